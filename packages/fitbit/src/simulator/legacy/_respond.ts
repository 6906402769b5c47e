// Fitbit's wire format for the simulator: ids as bare JSON numbers even above 2^53 (docs/fitbit-web-api.md#q1-64-bit-ids), the
// error envelope of docs/fitbit-web-api.md#error-envelope, and the observed content type (docs/fitbit-web-api.md#conventions).

const CONTENT_TYPE = "application/json;charset=UTF-8";

/** JSON with every `"logId": "<digits>"` written as a bare number, as the real API sends it. */
export function fitbitJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body).replace(/"logId":"(\d+)"/g, '"logId":$1');
  return new Response(text, { status, headers: { "content-type": CONTENT_TYPE, ...headers } });
}

/** Fitbit's error envelope: `{ errors: [{ errorType, fieldName, message }], success: false }`. */
export function fitbitError(status: number, errorType: string, message: string, fieldName = "n/a", headers: Record<string, string> = {}): Response {
  return fitbitJson(status, { errors: [{ errorType, fieldName, message }], success: false }, headers);
}
