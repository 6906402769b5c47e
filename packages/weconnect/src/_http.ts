/** Internal transport: URL building, timeout, retry with backoff, error mapping, redaction. */
import type { z } from "zod";
import { WeconnectError, type WeconnectErrorCode } from "./errors.js";
import { LoopbackErrorSchema } from "./schemas.js";
import type { WeconnectClientOptions } from "./client.js";
import { networkCode, redact, sanitizeCause } from "./_redact.js";

/** Transport options shared by every endpoint: the client's own options. */
export type HttpOptions = WeconnectClientOptions;

/** One call: endpoint template plus the concrete pieces; the token is kept apart to redact it. */
export interface RequestSpec {
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
  request(spec: RequestSpec): Promise<unknown>;
}

interface Failure {
  code: WeconnectErrorCode;
  status?: number;
  upstreamCode?: string;
  upstreamMessage?: string;
  retryAfterMs?: number;
  timedOut?: boolean;
  netCode?: string;
  cause?: Error;
  retryable: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Build the transport. No state survives between calls except the options. */
export function createHttp(options: HttpOptions): Http {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, Math.floor(options.retry?.attempts ?? 3));
  const baseDelayMs = options.retry?.baseDelayMs ?? 250;
  const maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  async function attemptOnce(spec: RequestSpec, attempt: number): Promise<{ body: unknown } | Failure> {
    const method = spec.endpoint.split(" ")[0] ?? "GET";
    const params = new URLSearchParams(spec.query);
    // §2: the token travels as the `access_token` query parameter, never in a header.
    if (spec.token !== undefined) params.set("access_token", spec.token);
    const qs = params.toString();
    const url = `${baseUrl}${spec.path}${qs ? `?${qs}` : ""}`;
    const secrets = spec.token ? [spec.token] : [];
    const init: RequestInit = {
      method,
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (spec.form) {
      // §1: login and create sent form-urlencoded bodies (Python `requests.post(data=...)`).
      init.body = new URLSearchParams(spec.form).toString();
      init.headers = { ...init.headers, "content-type": "application/x-www-form-urlencoded" };
    }
    const started = performance.now();
    let status = 0;
    const report = () => {
      try {
        options.onRequest?.({
          api: "weconnect",
          endpoint: spec.endpoint,
          status,
          durationMs: performance.now() - started,
          attempt,
        });
      } catch {
        // A metrics callback must not turn a good response into a failure.
      }
    };
    const fetchFn = options.fetch ?? globalThis.fetch;
    let text: string;
    let response: Response;
    try {
      response = await fetchFn(url, init);
      status = response.status;
      text = await response.text();
    } catch (error) {
      report();
      const timedOut = (error as { name?: unknown }).name === "TimeoutError";
      return {
        code: "NETWORK",
        timedOut,
        netCode: timedOut ? undefined : networkCode(error),
        cause: sanitizeCause(error, secrets),
        retryable: true,
      };
    }
    report();
    if (response.ok) {
      try {
        return { body: JSON.parse(text) as unknown };
      } catch {
        return { code: "INVALID_RESPONSE", status, upstreamMessage: "body is not JSON", retryable: false };
      }
    }
    const upstream = readLoopbackError(text);
    const failure: Failure = {
      code: codeForStatus(status),
      status,
      upstreamCode: upstream.code,
      upstreamMessage: upstream.message === undefined ? undefined : redact(upstream.message, secrets).slice(0, 200),
      retryable: status === 429 || status >= 500,
    };
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }

  return {
    async request(spec) {
      const isGet = spec.endpoint.startsWith("GET ");
      const maxAttempts = isGet ? attempts : 1;
      for (let attempt = 1; ; attempt++) {
        const outcome = await attemptOnce(spec, attempt);
        if ("body" in outcome) return outcome.body;
        if (!outcome.retryable || attempt >= maxAttempts) throw toError(outcome, spec, attempt, timeoutMs);
        let delay = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        if (outcome.retryAfterMs !== undefined) {
          // Retry-After longer than our ceiling: give up now and hand the wait to the caller.
          if (outcome.retryAfterMs > maxDelayMs) throw toError(outcome, spec, attempt, timeoutMs);
          delay = outcome.retryAfterMs;
        }
        await sleep(delay);
      }
    },
  };
}

/** Parse a 2xx body against its schema; a mismatch names the endpoint and first failing path. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, endpoint: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? formatPath(issue.path) : "(root)";
  throw new WeconnectError(
    "INVALID_RESPONSE",
    `WEconnect's reply to ${endpoint} did not match the expected shape: ${where}: ${issue?.message ?? "invalid"}. ` +
      "The API may have changed; check the reference and update the schema.",
    { endpoint, status: 200 },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

function codeForStatus(status: number): WeconnectErrorCode {
  if (status === 401 || status === 403) return "UNAUTHORIZED";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "SERVER";
  return "BAD_REQUEST";
}

function readLoopbackError(text: string): { code?: string; message?: string } {
  // §6: LB3 errors are JSON, but Heroku router errors (5xx) are HTML; never assume JSON.
  try {
    const parsed = LoopbackErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : {};
  } catch {
    return {};
  }
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); returns ms ≥ 0. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function toError(f: Failure, spec: RequestSpec, attempts: number, timeoutMs: number): WeconnectError {
  const { endpoint } = spec;
  const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
  const upstream = [f.upstreamCode, f.upstreamMessage].filter(Boolean).join(": ");
  const said = upstream ? ` (${f.status} ${upstream})` : f.status ? ` (${f.status})` : "";
  const who = spec.personId === undefined ? "" : ` for person ${spec.personId}`;
  let message: string;
  switch (f.code) {
    case "NETWORK":
      message = f.timedOut
        ? `WEconnect did not answer ${endpoint}${who} within ${timeoutMs} ms${tries}. Try again later, or raise timeoutMs.`
        : `Could not reach WEconnect for ${endpoint}${who}${f.netCode ? ` (${f.netCode})` : ""}${tries}. Check the network and baseUrl, then try again.`;
      break;
    case "UNAUTHORIZED":
      message = endpoint.startsWith("POST /People/login")
        ? `WEconnect refused the email and password${said}. Check the credentials with the participant.`
        : `WEconnect rejected the access token${who} on ${endpoint}${said}. Tokens cannot be refreshed: ask the participant to sign in to WEconnect again.`;
      break;
    case "NOT_FOUND":
      message = `WEconnect has no ${endpoint}${who}${said}. Check that baseUrl ends with /api and that the person id is right.`;
      break;
    case "RATE_LIMITED":
      message = `WEconnect rate-limited ${endpoint}${said}${tries}. Wait ${f.retryAfterMs === undefined ? "a while" : `${Math.ceil(f.retryAfterMs / 1000)} s`} before trying again.`;
      break;
    case "SERVER":
      message = `WEconnect failed on ${endpoint}${said}${tries}; the Heroku app may be restarting. Try again later.`;
      break;
    case "INVALID_RESPONSE":
      message = `WEconnect's reply to ${endpoint} was not valid JSON. The API or a proxy in front of it may have changed; try again later.`;
      break;
    case "BAD_REQUEST":
      message = `WEconnect refused ${endpoint}${who} as a bad request${said}. Check the inputs (credentials, window dates); retrying will not help.`;
      break;
  }
  return new WeconnectError(f.code, message, {
    status: f.status,
    endpoint,
    upstreamCode: f.upstreamCode,
    retryAfterMs: f.retryAfterMs,
    timedOut: f.timedOut,
    cause: f.cause,
  });
}
