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
  14: ["UNAVAILABLE", "SERVER"],
  16: ["UNAUTHENTICATED", "UNAUTHORIZED"],
};

/** The canonical name of a numeric google.rpc.Code (`6` → `ALREADY_EXISTS`). */
export function rpcCodeName(code: number): string {
  return RPC_CODES[code]?.[0] ?? `CODE_${code}`;
}

/** Maps an Operation's `error` (HTTP 200, google §3.4) to a FitbitError. */
export function operationError(endpoint: string, status: { code: number; message?: string | undefined }): FitbitError {
  const [name, code] = RPC_CODES[status.code] ?? [`CODE_${status.code}`, "SERVER" as const];
  return new FitbitError(code, `Google Health reported ${name} for ${endpoint}: ${redactSecrets(status.message ?? "no message")}.`, {
    endpoint,
    api: API,
    upstreamCode: name,
    status: 200,
  });
}

/** Maps a non-2xx google.rpc.Status answer (google §7) to a FitbitError with a what-to-do message. */
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
        return new FitbitError("INSUFFICIENT_SCOPE", `The participant's Google grant lacks a scope needed here: ${where}${said}. Ask them to connect again and leave every permission ticked.`, extra);
      }
      return new FitbitError("FORBIDDEN", `Google Health refused ${where}${said}. PowerToken only touches data it wrote; if the account is a legacy Fitbit login, the participant must sign in with a Google account.`, extra);
    case 429:
      return new FitbitError("RATE_LIMITED", `Google Health rate limit reached: ${where}${said}. Try again later${context.retryAfterMs === undefined ? "" : ` (in ${Math.ceil(context.retryAfterMs / 1000)} s)`}.`, extra);
    case 410:
      return new FitbitError("API_GONE", `Google Health answered 410 Gone: ${where}${said}.`, extra);
    default: {
      const code = codeForStatus(context.status);
      const hint =
        reason === "ACCOUNT_NOT_LINKED"
          ? " The participant's Google account has no Google Health/Fitbit profile: they must set one up."
          : code === "SERVER"
            ? " Google Health is failing; it is retried on the next run."
            : "";
      return new FitbitError(code, `Google Health: ${where}${said}.${hint}`, extra);
    }
  }
}
