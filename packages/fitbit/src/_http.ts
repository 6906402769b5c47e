import { createFetch } from "ofetch";
import type { z } from "zod";
import { FitbitError, isFitbitError, type FitbitErrorCode } from "./errors.js";
import { redactSecrets } from "./_redact.js";
import type { AccessTokenSource } from "./token-store.js";
import type { RequestInfo } from "./tracker.js";

export { redactSecrets } from "./_redact.js";

/** Retry policy for idempotent requests (network errors and the backend's retried statuses). */
export interface RetryOptions {
  /** Extra attempts after the first. @default 2 */
  retries?: number;
  /** Ceiling of the first backoff; doubles per attempt; the wait is uniform below it (full jitter). @default 300 */
  baseDelayMs?: number;
  /** Cap of one backoff. @default 10_000 */
  maxDelayMs?: number;
  /** A 429 asking us to wait longer than this is not retried here; RATE_LIMITED carries the wait. @default 10_000 */
  maxRetryAfterMs?: number;
}

/** What a backend needs to turn a non-2xx answer into a FitbitError (its own body parser). */
export interface ErrorContext {
  api: string;
  endpoint: string;
  status: number;
  headers: Headers;
  /** The raw body text; may embed tokens, so redact before using any of it. */
  text: string;
  /** Every secret sent with this request, for `redactSecrets`. */
  secrets: string[];
  retryAfterMs: number | undefined;
}

/** Options shared by every client built on this helper. */
export interface HttpOptions {
  /** Name reported in errors and `onRequest`: `google-health`, `fitbit-legacy`. */
  api: string;
  baseUrl: string;
  fetch?: typeof globalThis.fetch | undefined;
  /** @default 10_000 */
  timeoutMs?: number | undefined;
  /** `false` disables retries. */
  retry?: RetryOptions | false | undefined;
  onRequest?: ((info: RequestInfo) => void) | undefined;
  /** Maps a non-2xx answer to a FitbitError; the backend's own error-body parser. */
  toError: (context: ErrorContext) => FitbitError;
  /** Statuses retried (idempotent requests only). @default DEFAULT_RETRY_STATUS_CODES */
  retryStatusCodes?: readonly number[] | undefined;
  /** For tests: replaces the backoff wait. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** One request. `path` is the real path; `endpoint` the template that errors and logs show. */
export interface HttpRequest {
  endpoint: string;
  /** What the call does, reported as `RequestInfo.operation` (`create-point`, `token-refresh`…). @default endpoint */
  operation?: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Retry on network errors and the retried statuses. @default true for GET/PUT/DELETE, false for POST/PATCH */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of thrown (e.g. 404 on a read, 409 on a create). */
  accept?: number[];
  /** Authenticate as this account; a 401 renews the token once and retries. */
  auth?: { tokens: AccessTokenSource; accountKey: string };
}

/** A response the caller accepted: status, headers and parsed JSON (null when empty or not JSON). */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Internal HTTP helper: timeout, retries with backoff+jitter, Retry-After, onRequest, error mapping. */
export interface Http {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/** Default FitbitError code for an HTTP status; backends refine it from their error bodies. */
export function codeForStatus(status: number): FitbitErrorCode {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 410) return "API_GONE";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "SERVER";
  return "BAD_REQUEST";
}

/**
 * How long the server asked us to wait, in ms: the larger of `Retry-After` (seconds or an HTTP
 * date, RFC 9110 §10.2.3) and Fitbit's `Fitbit-Rate-Limit-Reset` (seconds until the hourly reset,
 * preferred by docs/fitbit-web-api.md#rate-limits because Retry-After has been seen to undershoot).
 */
export function retryAfterMsFrom(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const values: number[] = [];
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) values.push(Math.max(0, seconds * 1000));
    else {
      const at = Date.parse(retryAfter);
      if (Number.isFinite(at)) values.push(Math.max(0, at - nowMs));
    }
  }
  const reset = Number(headers.get("fitbit-rate-limit-reset") ?? Number.NaN);
  if (Number.isFinite(reset) && headers.has("fitbit-rate-limit-reset")) values.push(Math.max(0, reset * 1000));
  return values.length === 0 ? undefined : Math.max(...values);
}

/**
 * Parses a body with its zod schema; a mismatch names the endpoint and the first failing path,
 * never the body (which may hold tokens). @throws FitbitError INVALID_RESPONSE
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, endpoint: string, api: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(root)";
  throw new FitbitError(
    "INVALID_RESPONSE",
    `${api} answered ${endpoint} with an unexpected body (${where}: ${issue?.message ?? "invalid"}).`,
    { endpoint, api },
  );
}

/** Parses JSON text, or null when it is empty or not JSON. */
export function parseJsonOrNull(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Statuses retried when no backend says otherwise: 429 and every 5xx a retry can cure. */
export const DEFAULT_RETRY_STATUS_CODES: readonly number[] = [429, 500, 502, 503, 504];

/**
 * Builds the helper; one per client. It is ofetch (`createFetch` over the injected fetch) with its
 * `retry`, `retryDelay`, `retryStatusCodes`, `timeout` and hooks; the hooks decide what is retried
 * and turn every final failure into a FitbitError, so ofetch's own FetchError (which carries the
 * URL and headers, tokens included) never reaches a caller.
 */
export function createHttp(options: HttpOptions): Http {
  const $fetch = createFetch({ fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)) });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
  const retries = retry.retries ?? 2;
  const baseDelayMs = retry.baseDelayMs ?? 300;
  const maxDelayMs = retry.maxDelayMs ?? 10_000;
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? 10_000;
  const retryStatuses = options.retryStatusCodes ?? DEFAULT_RETRY_STATUS_CODES;
  // ofetch reports "no response" as status 500 to its retry check, so 500 must be in its list for
  // network errors and timeouts to be retried; a real 500 is stopped in onResponse when the
  // backend does not retry it (Google: docs/google-health-api.md#retries).
  const ofetchStatuses = [...new Set([...retryStatuses, 500])];
  const sleep = options.sleep;
  const baseURL = options.baseUrl.replace(/\/+$/, "");

  /** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]. */
  const backoff = (attempt: number) => Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));

  async function send(request: HttpRequest, token: string | undefined, secrets: string[]): Promise<HttpResponse> {
    const headers = new Headers(request.headers);
    headers.set("accept", "application/json");
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    let body: string | undefined;
    if (request.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(request.form).toString();
    }
    const idempotent = request.idempotent ?? !["POST", "PATCH"].includes(request.method);
    const maxRetries = idempotent ? retries : 0;
    const operation = request.operation ?? request.endpoint;
    const report = (status: number, attempt: number, started: number) =>
      options.onRequest?.({ api: options.api, endpoint: request.endpoint, method: request.method, operation, status, durationMs: performance.now() - started, attempt });
    let started = 0;
    let nextDelayMs = 0;
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) query[key] = String(value);
    const attemptOf = (remaining: unknown) => maxRetries - (typeof remaining === "number" ? remaining : 0) + 1;
    /** Waits before the next attempt: here when a test injected `sleep`, else through ofetch's retryDelay. */
    const wait = async (ms: number) => {
      nextDelayMs = ms;
      if (sleep) await sleep(ms);
    };

    try {
      const response = await $fetch.raw<string, "text">(request.path, {
        baseURL,
        method: request.method,
        query,
        headers,
        body,
        responseType: "text",
        timeout: timeoutMs,
        retry: maxRetries,
        retryStatusCodes: ofetchStatuses,
        retryDelay: () => (sleep ? 0 : nextDelayMs),
        onRequest(context) {
          started = performance.now();
          // A retry reuses the options of the first attempt, whose timeout signal is spent: drop it
          // so ofetch arms a fresh timeout for this attempt.
          context.options.signal = undefined;
        },
        async onRequestError(context) {
          const attempt = attemptOf(context.options.retry);
          report(0, attempt, started);
          if (attempt > maxRetries) throw networkError(context.error, request.endpoint, options.api, timeoutMs, secrets);
          await wait(backoff(attempt));
        },
        async onResponse(context) {
          const { status } = context.response;
          const attempt = attemptOf(context.options.retry);
          report(status, attempt, started);
          if (status < 400 || request.accept?.includes(status)) {
            // Handed back to the caller as data, not thrown by ofetch.
            context.options.ignoreResponseError = true;
            return;
          }
          const retryAfterMs = retryAfterMsFrom(context.response.headers);
          const retryable = retryStatuses.includes(status) && attempt <= maxRetries && (retryAfterMs === undefined || retryAfterMs <= maxRetryAfterMs);
          if (!retryable) {
            const text = typeof context.response._data === "string" ? context.response._data : "";
            throw options.toError({ api: options.api, endpoint: request.endpoint, status, headers: context.response.headers, text, secrets, retryAfterMs });
          }
          await wait(retryAfterMs ?? backoff(attempt));
        },
      });
      return { status: response.status, headers: response.headers, body: parseJsonOrNull(response._data ?? "") };
    } catch (error) {
      if (isFitbitError(error)) throw error;
      // Anything else came from ofetch or the transport and may carry the URL or headers.
      throw networkError(error, request.endpoint, options.api, timeoutMs, secrets);
    }
  }

  return {
    async request(request) {
      if (request.auth === undefined) return send(request, undefined, []);
      const { tokens, accountKey } = request.auth;
      const token = await tokens.getAccessToken(accountKey);
      const first = await send({ ...request, accept: [...(request.accept ?? []), 401] }, token, [token]);
      if (first.status !== 401 || request.accept?.includes(401)) return first;
      // 401 once: the token may have expired or been revoked between our check and the call; renew
      // (shared with concurrent callers) and retry once. A second 401 is final (UNAUTHORIZED).
      const renewed = await tokens.renewAfterRejection(accountKey, token);
      return send(request, renewed, [token, renewed]);
    },
  };
}

function networkError(error: unknown, endpoint: string, api: string, timeoutMs: number, secrets: string[]): FitbitError {
  const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  const detail = error instanceof Error ? redactSecrets(`${error.name}: ${error.message}${causeText(error)}`, secrets) : "unknown";
  const message = timedOut
    ? `${api} did not answer ${endpoint} within ${timeoutMs} ms. It is retried on the next run.`
    : `Could not reach ${api} for ${endpoint} (${detail}). Check the network or the base URL.`;
  // The original error is replaced by a plain, redacted one: fetch errors can carry request details.
  return new FitbitError("NETWORK", message, { endpoint, api, cause: new Error(detail) });
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return ` <- ${cause.message}`;
  return "";
}
