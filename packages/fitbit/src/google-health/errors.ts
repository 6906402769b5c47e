import { FitbitError, type FitbitErrorCode } from "../errors.js";
import { codeForStatus, parseJsonOrNull, type ErrorContext } from "../_http.js";
import { redactSecrets } from "../_redact.js";
import { ErrorBodySchema } from "./schemas.js";

export const API = "google-health";

/** google.rpc.Code numbers → our codes (used for Operation errors inside a 200). */
const RPC_CODES: Record<number, [string, FitbitErrorCode]> = {
  3: ["INVALID_ARGUMENT", "BAD_REQUEST"],
  5: ["NOT_FOUND", "NOT_FOUND"],
  6: ["ALREADY_EXISTS", "CONFLICT"],
  7: ["PERMISSION_DENIED", "FORBIDDEN"],
  8: ["RESOURCE_EXHAUSTED", "RATE_LIMITED"],
  9: ["FAILED_PRECONDITION", "BAD_REQUEST"],
  4: ["DEADLINE_EXCEEDED", "SERVER"],
  14: ["UNAVAILABLE", "SERVER"],
  16: ["UNAUTHENTICATED", "UNAUTHORIZED"],
};

/** The canonical name of a numeric google.rpc.Code (`6` → `ALREADY_EXISTS`). */
export function rpcCodeName(code: number): string {
  return RPC_CODES[code]?.[0] ?? `CODE_${code}`;
}

/** Maps an Operation's `error` (HTTP 200, docs/google-health-api.md#operations) to a FitbitError. */
export function operationError(endpoint: string, status: { code: number; message?: string | undefined }): FitbitError {
  const [name, code] = RPC_CODES[status.code] ?? [`CODE_${status.code}`, "SERVER" as const];
  return new FitbitError(code, `Google Health reported ${name} for ${endpoint}: ${redactSecrets(status.message ?? "no message")}.`, {
    endpoint,
    api: API,
    upstreamCode: name,
    status: 200,
  });
}

/** Maps a non-2xx google.rpc.Status answer (docs/google-health-api.md#errors-and-limits) to a FitbitError with a what-to-do message. */
export function googleHealthError(context: ErrorContext): FitbitError {
  const parsed = ErrorBodySchema.safeParse(parseJsonOrNull(context.text));
  const error = parsed.success ? parsed.data.error : undefined;
  const reason = error?.details?.find((d) => typeof d.reason === "string")?.reason;
  const said = error?.message ? ` (${redactSecrets(error.message, context.secrets)})` : "";
  const extra = {
    status: context.status,
    endpoint: context.endpoint,
    api: API,
    upstreamCode: reason ?? error?.status,
    retryAfterMs: context.retryAfterMs,
  };
  const where = `${context.endpoint} answered ${context.status} ${error?.status ?? ""}`.trimEnd();
  switch (context.status) {
    case 401:
      return new FitbitError("UNAUTHORIZED", `Google Health rejected the access token even after a refresh: ${where}${said}. The participant may have removed access; ask them to connect again if this repeats.`, extra);
    case 403:
      if (reason === "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || /insufficient\s+(authentication\s+)?scope/i.test(error?.message ?? "")) {
        return new FitbitError("INSUFFICIENT_SCOPE", `The participant's Google grant lacks a permission needed here: ${where}${said}. Their account needs consent: ask them to connect again and tick every permission.`, extra);
      }
      // docs/google-health-api.md#status-codes: a disabled API answers 403 with reason
      // SERVICE_DISABLED (older services: ACCESS_NOT_CONFIGURED); the fix is in the Cloud project.
      if (reason === "SERVICE_DISABLED" || reason === "ACCESS_NOT_CONFIGURED" || /has not been used in project|is disabled/i.test(error?.message ?? "")) {
        return new FitbitError("API_NOT_ENABLED", `The Google Health API is not enabled in PowerToken's Google Cloud project: ${where}${said}. Enable it in the Cloud console (APIs & Services); no participant action is needed.`, extra);
      }
      return new FitbitError("FORBIDDEN", `Google Health denied permission on the resource: ${where}${said}. Reconnect the participant (they may have signed in with an account that is not their Google Health account).`, extra);
    case 429:
      return new FitbitError("RATE_LIMITED", `Google Health rate limit reached: ${where}${said}. Try again later${context.retryAfterMs === undefined ? "" : ` (in ${Math.ceil(context.retryAfterMs / 1000)} s)`}.`, extra);
    case 410:
      return new FitbitError("API_GONE", `Google Health answered 410 Gone: ${where}${said}.`, extra);
    default: {
      // docs/google-health-api.md#status-codes: Google sends it as 400 FAILED_PRECONDITION.
      if (reason === "ACCOUNT_NOT_LINKED") {
        return new FitbitError("ACCOUNT_NOT_LINKED", `The participant's Google account has no Google Health profile: ${where}${said}. Ask them to set up the Fitbit / Google Health app with that account, then poll again.`, extra);
      }
      const code = codeForStatus(context.status);
      const hint =
        context.status === 501
          ? " The method is not implemented (501): a PowerToken bug or an API change; retrying cannot help."
          : code === "SERVER"
            ? " Google Health is failing; it is retried on the next run."
            : "";
      return new FitbitError(code, `Google Health: ${where}${said}.${hint}`, extra);
    }
  }
}

/**
 * Statuses retried for Google Health (docs/google-health-api.md#retries): 429 RESOURCE_EXHAUSTED,
 * 503 UNAVAILABLE and 504 DEADLINE_EXCEEDED. Never 500 or 501 (501 UNIMPLEMENTED cannot heal).
 */
export const GOOGLE_RETRY_STATUS_CODES: readonly number[] = [429, 503, 504];
