/**
 * How long a 429 asked us to wait, in ms: the larger of `Retry-After` (seconds or an HTTP date,
 * RFC 9110 §10.2.3) and legacy Fitbit's `Fitbit-Rate-Limit-Reset` (seconds until its hourly
 * reset, docs/fitbit-web-api.md#rate-limits); undefined when neither is there.
 */
export function retryAfterMsOf(headers: Headers, nowMs: number): number | undefined {
  const waits: number[] = [];
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) waits.push(Number(retryAfter) * 1000);
    else {
      const at = Date.parse(retryAfter);
      if (Number.isFinite(at)) waits.push(Math.max(0, at - nowMs));
    }
  }
  const reset = headers.get("fitbit-rate-limit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) waits.push(Number(reset) * 1000);
  return waits.length === 0 ? undefined : Math.max(...waits);
}
