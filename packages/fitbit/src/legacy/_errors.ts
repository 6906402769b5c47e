import { FitbitError, type FitbitErrorCode } from "../errors.js";
import { codeForStatus, parseJsonOrNull, redactSecrets, type ErrorContext } from "../_http.js";
import { ErrorEnvelopeSchema } from "./schemas.js";

/** The command that moves a participant off the retired API (shown in API_GONE messages). */
export const MOVE_TO_GOOGLE_HEALTH = "powertoken connect tracker <participant> --backend google-health";

/** The first `{ errorType, fieldName, message }` of Fitbit's envelope (docs/fitbit-web-api.md#error-envelope), or null. */
export function firstUpstreamError(text: string): { errorType: string; fieldName?: string | undefined; message?: string | undefined } | null {
  const parsed = ErrorEnvelopeSchema.safeParse(parseJsonOrNull(text));
  return parsed.success ? (parsed.data.errors[0] ?? null) : null;
}

/**
 * Maps a non-2xx legacy answer to a FitbitError: status first, then `errorType` (docs/fitbit-web-api.md#error-types), never the
 * message text. Fitbit's messages echo access and refresh tokens (docs/fitbit-web-api.md#error-envelope), so the little we quote is
 * redacted and cut short.
 */
export function toLegacyError(context: ErrorContext): FitbitError {
  const { api, endpoint, status, retryAfterMs } = context;
  const upstream = firstUpstreamError(context.text);
  const errorType = upstream?.errorType;
  const detail = upstream?.message ? `: ${redactSecrets(upstream.message, context.secrets).slice(0, 200)}` : "";
  const field = upstream?.fieldName && upstream.fieldName !== "n/a" ? ` (field ${upstream.fieldName})` : "";
  const extra = { status, endpoint, api, ...(errorType === undefined ? {} : { upstreamCode: errorType }) };
  const code: FitbitErrorCode =
    status === 403 && errorType === "insufficient_scope" ? "INSUFFICIENT_SCOPE" : codeForStatus(status);
  const what = `Fitbit answered ${endpoint} with ${status}${errorType ? ` ${errorType}` : ""}${field}${detail}`;

  switch (code) {
    case "API_GONE":
      // Since 2026-11-02 every legacy path answers 410 (docs/fitbit-web-api.md#shutdown); nothing will ever succeed again.
      return new FitbitError(
        code,
        `The legacy Fitbit Web API is switched off (410 Gone on ${endpoint}). Move this participant to Google Health: \`${MOVE_TO_GOOGLE_HEALTH}\`.`,
        extra,
      );
    case "UNAUTHORIZED":
      return new FitbitError(code, `${what}. The access token was refused; run \`powertoken maintain\`, or ask the participant to connect Fitbit again.`, extra);
    case "INSUFFICIENT_SCOPE":
      return new FitbitError(code, `${what}. The participant did not grant this scope; ask them to connect again and keep "activity" and "profile" ticked.`, extra);
    case "FORBIDDEN":
      return new FitbitError(code, `${what}. Check that the Fitbit app has read & write access mode (docs/fitbit-web-api.md#scopes-and-app-settings).`, extra);
    case "RATE_LIMITED": {
      // A missing header means "until the next top of the hour" (docs/fitbit-web-api.md#rate-limits).
      const waitMs = retryAfterMs ?? msUntilNextHour(Date.now());
      return new FitbitError(code, `${what}. The per-user quota of 150 requests/hour is used up; retry in ${Math.ceil(waitMs / 1000)} s.`, { ...extra, retryAfterMs: waitMs });
    }
    case "SERVER":
      return new FitbitError(code, `${what}. Fitbit failed after retries; it is retried on the next run.`, extra);
    case "NOT_FOUND":
    case "CONFLICT":
    case "BAD_REQUEST":
    case "NETWORK":
    case "REAUTH_REQUIRED":
    case "INVALID_RESPONSE":
    case "TOKEN_STORE":
    case "API_NOT_ENABLED": // Google-only codes, never produced by codeForStatus
    case "ACCOUNT_NOT_LINKED":
      return new FitbitError(code, `${what}.`, extra);
  }
}

function msUntilNextHour(nowMs: number): number {
  return 3_600_000 - (nowMs % 3_600_000);
}
