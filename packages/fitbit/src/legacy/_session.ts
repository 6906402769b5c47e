import { FitbitError } from "../errors.js";
import { createHttp, type Http, type HttpRequest, type HttpResponse, type RetryOptions } from "../_http.js";
import type { AccessTokenSource } from "../token-store.js";
import type { RequestInfo } from "../tracker.js";
import { firstUpstreamError, toLegacyError } from "./_errors.js";
import { quoteLogIds } from "./_json.js";

/** The `Fitbit-Rate-Limit-*` headers of one answer (docs/fitbit-web-api.md#rate-limits); approximate, updated asynchronously by Fitbit. */
export interface FitbitRateLimit {
  accountKey: string;
  /** Requests per hour for this user and app (150). */
  limit: number;
  remaining: number;
  /** Seconds until the quota resets at the top of the hour. */
  resetSeconds: number;
}

/** What every legacy call needs; built once from the tracker options. */
export interface LegacyConfig {
  baseUrl: string;
  tokens: AccessTokenSource;
  fetch: typeof globalThis.fetch;
  timeoutMs?: number | undefined;
  retry?: RetryOptions | false | undefined;
  onRequest?: ((info: RequestInfo) => void) | undefined;
  onRateLimit?: ((info: FitbitRateLimit) => void) | undefined;
}

/** Authenticated requests for one account during one tracker operation. */
export interface LegacySession {
  request(request: Omit<HttpRequest, "auth">): Promise<HttpResponse>;
}

export const API = "fitbit-legacy";

/** Set by the session on a 2xx answer whose non-empty body is not JSON (internal; never sent). */
export const UNPARSABLE_BODY_HEADER = "x-powertoken-unparsable-body";

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens a session for `accountKey`. It wraps the transport so that (1) `logId`s are quoted before
 * the shared helper parses JSON (docs/fitbit-web-api.md#q1-64-bit-ids), (2) rate-limit headers reach `onRateLimit`, and (3) the
 * errorType of a 401 is known when the helper asks to renew the token: only `expired_token` is
 * renewed (once, then retried); `invalid_token` and the rest end as UNAUTHORIZED.
 */
export function openSession(config: LegacyConfig, accountKey: string): LegacySession {
  let lastRejection: { token: string; errorType: string | undefined } | undefined;

  const transport: typeof globalThis.fetch = async (input, init) => {
    const response = await config.fetch(input, init);
    const text = await response.text();
    reportRateLimit(config, accountKey, response.headers);
    if (response.status === 401) {
      const auth = new Headers(init?.headers).get("authorization") ?? "";
      lastRejection = { token: auth.replace(/^Bearer\s+/i, ""), errorType: firstUpstreamError(text)?.errorType };
    }
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    // The shared helper reads a body that is not JSON as null, like an empty one; a DELETE must
    // tell the two apart (a proxy's 200 page is no proof the log is gone).
    if (response.ok && response.status !== 204 && text.trim() !== "" && !isJson(text)) headers.set(UNPARSABLE_BODY_HEADER, "1");
    // Quote ids before the shared helper's JSON.parse sees them, so all 19 digits survive (docs/fitbit-web-api.md#q1-64-bit-ids).
    return new Response(response.status === 204 ? null : quoteLogIds(text), { status: response.status, statusText: response.statusText, headers });
  };

  const tokens: AccessTokenSource = {
    getAccessToken: (key) => config.tokens.getAccessToken(key),
    async renewAfterRejection(key, rejectedToken) {
      const rejection = lastRejection?.token === rejectedToken ? lastRejection : undefined;
      lastRejection = undefined;
      // A 401 without Fitbit's envelope is treated like an expiry: one renewal costs little.
      if (rejection?.errorType === undefined || rejection.errorType === "expired_token") {
        return config.tokens.renewAfterRejection(key, rejectedToken);
      }
      throw new FitbitError(
        "UNAUTHORIZED",
        `Fitbit refused the access token of account ${key} (401 ${rejection.errorType}). Ask the participant to connect Fitbit again.`,
        { status: 401, api: API, upstreamCode: rejection.errorType },
      );
    },
  };

  const http: Http = createHttp({
    api: API,
    baseUrl: config.baseUrl,
    fetch: transport,
    timeoutMs: config.timeoutMs,
    retry: config.retry,
    onRequest: config.onRequest,
    toError: toLegacyError,
  });

  return { request: (request) => http.request({ operation: legacyOperation(request.endpoint), ...request, auth: { tokens, accountKey } }) };
}

/** `RequestInfo.operation` of a legacy endpoint template (the calls name templates, not operations). */
export function legacyOperation(endpoint: string): string {
  const [method = "", path = ""] = endpoint.split(" ");
  if (path.endsWith("/activities.json")) return "create-log";
  if (method === "DELETE") return "delete-log";
  if (path.endsWith("/activities/list.json")) return "list-logs";
  if (path.includes("/goals/")) return method === "GET" ? "get-goal" : "set-goal";
  if (path.includes("/activities/steps/")) return "steps-series";
  if (path.includes("/activities/date/")) return "day-summary";
  if (path.endsWith("/profile.json")) return "profile";
  return endpoint;
}

function reportRateLimit(config: LegacyConfig, accountKey: string, headers: Headers): void {
  if (!config.onRateLimit) return;
  const limit = Number(headers.get("fitbit-rate-limit-limit") ?? Number.NaN);
  const remaining = Number(headers.get("fitbit-rate-limit-remaining") ?? Number.NaN);
  const resetSeconds = Number(headers.get("fitbit-rate-limit-reset") ?? Number.NaN);
  if (![limit, remaining, resetSeconds].every(Number.isFinite)) return;
  try {
    config.onRateLimit({ accountKey, limit, remaining, resetSeconds });
  } catch {
    // A failing observer must not fail the request.
  }
}
