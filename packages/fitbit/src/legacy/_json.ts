// Quirk Q1 (docs/fitbit-web-api.md#q1-64-bit-ids): log ids are unsigned 64-bit integers sent as bare JSON numbers;
// JSON.parse rounds those above 2^53, and a delete then targets the wrong log. Node 20's JSON.parse
// has no reviver `context.source`, so we quote the digits of every `"logId": <digits>` before parsing.
// An unescaped `"logId"` followed by `:` can only be an object key in valid JSON (inside a string the
// quotes would be escaped), so string contents are never touched.
const LOG_ID_NUMBER = /("logId"\s*:\s*)(\d+)(?=\s*[,}\]])/g;

/** Rewrites `"logId": 1234…` as `"logId": "1234…"` in a JSON text; any other text comes back unchanged. */
export function quoteLogIds(text: string): string {
  return text.replace(LOG_ID_NUMBER, '$1"$2"');
}

/**
 * Parses a Fitbit JSON body with every `logId` kept as its exact decimal string.
 * @throws SyntaxError when the text is not JSON.
 */
export function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(quoteLogIds(text));
}
