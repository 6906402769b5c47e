/** Internal transport: one ofetch instance plus our retry waits, per-attempt metrics and error mapping. */
import { createFetch, FetchError, type FetchContext } from "ofetch";
import type { WeconnectClientOptions, WeconnectOperation } from "./client.js";
import { networkCode, redact, sanitizeCause } from "./_redact.js";
import { codeForStatus, parseRetryAfter, readLoopbackError, toError, type Failure } from "./_to-error.js";

/** Transport options shared by every endpoint: the client's own options. */
export type HttpOptions = WeconnectClientOptions;

/** One call: endpoint template plus the concrete pieces; the token is kept apart to redact it. */
export interface RequestSpec {
  method: "GET" | "POST";
  operation: WeconnectOperation;
  /** Template for messages and metrics, e.g. `GET /People/:id/activities`. */
  endpoint: string;
  path: string;
  token?: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  /** Person id for messages (not a secret). */
  personId?: number;
}

/** Internal handle used by endpoint modules. */
export interface Http {
  /** The parsed JSON body of a 2xx reply. @throws WeconnectError */
  request(spec: RequestSpec): Promise<unknown>;
}

// Network errors count as 500 in ofetch, so they are retried like a 5xx.
const RETRY_STATUS_CODES = [429, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 520, 521, 522, 523, 524, 529];
const RETRYABLE = new Set(RETRY_STATUS_CODES);
const JSON_HEADERS = { accept: "application/json" };
const FORM_HEADERS = { accept: "application/json", "content-type": "application/x-www-form-urlencoded" };
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Build the transport. No state survives between calls except the options. */
export function createHttp(options: HttpOptions): Http {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, Math.floor(options.retry?.attempts ?? 3));
  const baseDelayMs = options.retry?.baseDelayMs ?? 250;
  const maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const $fetch = createFetch({
    // Looked up per call, so a fetch patched after the client was built is still used.
    fetch: (input, init) => (options.fetch ?? globalThis.fetch)(input, init),
  }).create({
    // Text, not ofetch's JSON: destr would hand back a malformed body as a string (INVALID_RESPONSE
    // must say "not JSON"), and a Heroku HTML 503 must still be retried (docs/weconnect-api.md#errors).
    responseType: "text",
    retryStatusCodes: RETRY_STATUS_CODES,
    // ofetch's own wait is a bare setTimeout that cannot see Retry-After's ceiling nor the injected
    // `sleep`; our error hooks do the waiting instead (see `waitBeforeRetry`).
    retryDelay: 0,
  });
  // URL and headers are built here rather than with ofetch's baseURL/query/default headers: those
  // reparse the URL with ufo and build Headers twice, about a third of the client's CPU per call (bench/compare-client.mjs).
  const baseUrl = options.baseUrl.replace(/\/+$/, "");

  return {
    async request(spec) {
      const secrets = spec.token === undefined ? [] : [spec.token];
      let attempt = 0;
      let startedAt = 0;
      const report = (status: number) => {
        try {
          options.onRequest?.({
            api: "weconnect",
            method: spec.method,
            operation: spec.operation,
            endpoint: spec.endpoint,
            status,
            durationMs: performance.now() - startedAt,
            attempt,
          });
        } catch {
          // A metrics callback must not turn a good response into a failure.
        }
      };
      /** Full-jitter backoff, or Retry-After when it fits under maxDelayMs; else stop retrying. */
      const waitBeforeRetry = async (context: FetchContext) => {
        const remaining = typeof context.options.retry === "number" ? context.options.retry : 0;
        const status = context.response?.status;
        if (remaining <= 0 || (status !== undefined && !RETRYABLE.has(status))) return;
        const retryAfterMs = parseRetryAfter(context.response?.headers.get("retry-after") ?? null, Date.now());
        if (retryAfterMs !== undefined && retryAfterMs > maxDelayMs) {
          // Longer than our ceiling: give up now and hand the wait to the caller.
          context.options.retry = false;
          return;
        }
        await sleep(retryAfterMs ?? random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      };
      const params = new URLSearchParams(spec.query);
      // docs/weconnect-api.md#authentication: the token travels as the `access_token` query parameter, never in a header.
      if (spec.token !== undefined) params.set("access_token", spec.token);
      const qs = params.toString();
      // The current attempt's timer: cleared once its reply is read, so no timer outlives its call
      // (AbortSignal.timeout keeps each one, weakly held, for the whole timeout: garbage at 1,000s of calls a minute).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopTimer = () => {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
      };

      let text: string;
      try {
        text = await $fetch<string, "text">(`${baseUrl}${spec.path}${qs ? `?${qs}` : ""}`, {
          method: spec.method,
          headers: spec.form ? FORM_HEADERS : JSON_HEADERS,
          // docs/weconnect-api.md#base-url-and-transport: login sent a form-urlencoded body (Python `requests.post(data=...)`).
          ...(spec.form && { body: new URLSearchParams(spec.form).toString() }),
          // Login is never retried: a POST may have minted a token before the reply was lost.
          retry: spec.method === "GET" ? attempts - 1 : 0,
          onRequest(context) {
            attempt++;
            startedAt = performance.now();
            // Our own per-attempt signal instead of ofetch's `timeout`, which stops timing once
            // headers arrive: a reply that stalls mid-body would otherwise hang a poll. It aborts
            // with the reason AbortSignal.timeout gives (a TimeoutError), and ofetch calls
            // onResponse only once the body is read.
            stopTimer();
            context.options.signal = timeoutSignal(timeoutMs, (t) => (timer = t));
          },
          onResponse: (context) => {
            stopTimer();
            report(context.response.status);
          },
          onResponseError: waitBeforeRetry,
          async onRequestError(context) {
            stopTimer();
            report(0);
            await waitBeforeRetry(context);
          },
        });
      } catch (error) {
        throw toError(failureOf(error, secrets), { ...spec, attempts: attempt, timeoutMs });
      } finally {
        stopTimer();
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw toError(
          { code: "INVALID_RESPONSE", status: 200, upstreamMessage: "body is not JSON" },
          { ...spec, attempts: attempt, timeoutMs },
        );
      }
    },
  };
}

/** A signal that aborts after `ms` with a TimeoutError, as AbortSignal.timeout's does; its timer is handed to `keep` for clearing. */
function timeoutSignal(ms: number, keep: (timer: ReturnType<typeof setTimeout>) => void): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), ms);
  // Like AbortSignal.timeout's, it does not keep the process alive by itself.
  timer.unref?.();
  keep(timer);
  return controller.signal;
}

/** Our failure from what ofetch threw; ofetch's own error (URL, headers, token) is dropped. */
function failureOf(error: unknown, secrets: readonly string[]): Failure {
  const response = error instanceof FetchError ? error.response : undefined;
  if (response) {
    const status = response.status;
    const data: unknown = (error as FetchError).data;
    const upstream = readLoopbackError(typeof data === "string" ? data : "");
    const failure: Failure = {
      code: codeForStatus(status),
      status,
      upstreamCode: upstream.code,
      upstreamMessage: upstream.message === undefined ? undefined : redact(upstream.message, secrets).slice(0, 200),
    };
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  // No response: ofetch wraps the transport's error as its cause; a stalled body throws it bare.
  const original: unknown = error instanceof FetchError ? error.cause : error;
  const timedOut = (original as { name?: unknown } | undefined)?.name === "TimeoutError";
  return {
    code: "NETWORK",
    timedOut,
    netCode: timedOut ? undefined : networkCode(original),
    cause: sanitizeCause(original, secrets),
  };
}
