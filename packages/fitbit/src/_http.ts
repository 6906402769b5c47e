import type { z } from "zod";
import { FitbitError, type FitbitErrorCode } from "./errors.js";
import { redactSecrets } from "./_redact.js";
import type { AccessTokenSource } from "./token-store.js";
import type { RequestInfo } from "./tracker.js";

export { redactSecrets } from "./_redact.js";

/** Retry policy for idempotent requests (network errors, 5xx, 429). */
export interface RetryOptions {
  /** Extra attempts after the first. @default 2 */
  retries?: number;
  /** First backoff; doubles per attempt, with full jitter. @default 300 */
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
  /** For tests: replaces the backoff wait. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** One request. `path` is the real path; `endpoint` the template that errors and logs show. */
export interface HttpRequest {
  endpoint: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Retry on network/5xx/429. @default true for GET/PUT/DELETE, false for POST/PATCH */
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
 * preferred by fitbit-web-api.md §5 because Retry-After has been seen to undershoot).
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Builds the helper; one per client. */
export function createHttp(options: HttpOptions): Http {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
  const retries = retry.retries ?? 2;
  const baseDelayMs = retry.baseDelayMs ?? 300;
  const maxDelayMs = retry.maxDelayMs ?? 10_000;
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const base = options.baseUrl.replace(/\/+$/, "");

  const backoff = (attempt: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  };

  async function send(request: HttpRequest, token: string | undefined, secrets: string[]): Promise<HttpResponse> {
    const url = new URL(base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
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
    const maxAttempts = idempotent ? retries + 1 : 1;

    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let response: Response;
      let text: string;
      // A cleared timer rather than AbortSignal.timeout(): the latter keeps a timer and a
      // transferable signal alive for the full timeout, which dominated CPU under load.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), timeoutMs);
      try {
        response = await doFetch(url, { method: request.method, headers, body, signal: controller.signal });
        text = await response.text();
      } catch (error) {
        clearTimeout(timer);
        options.onRequest?.({ api: options.api, endpoint: request.endpoint, status: 0, durationMs: performance.now() - started, attempt });
        if (attempt < maxAttempts) {
          await sleep(backoff(attempt));
          continue;
        }
        throw networkError(error, request.endpoint, options.api, timeoutMs, secrets);
      }
      clearTimeout(timer);
      const status = response.status;
      options.onRequest?.({ api: options.api, endpoint: request.endpoint, status, durationMs: performance.now() - started, attempt });
      if (status >= 200 && status < 300) return { status, headers: response.headers, body: parseJsonOrNull(text) };
      if (request.accept?.includes(status)) return { status, headers: response.headers, body: parseJsonOrNull(text) };

      const retryAfterMs = retryAfterMsFrom(response.headers);
      const retryable = status === 429 || status >= 500;
      if (retryable && attempt < maxAttempts && (retryAfterMs === undefined || retryAfterMs <= maxRetryAfterMs)) {
        await sleep(retryAfterMs ?? backoff(attempt));
        continue;
      }
      throw options.toError({ api: options.api, endpoint: request.endpoint, status, headers: response.headers, text, secrets, retryAfterMs });
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
