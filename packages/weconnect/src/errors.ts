/**
 * What went wrong on a WEconnect call, as a closed union callers can `switch` over.
 *
 * - `NETWORK`: no HTTP response at all: connection refused or reset, DNS failure, or the
 *   per-request timeout fired (`timedOut` is then `true`; timeouts are folded into NETWORK
 *   because the caller's remedy is the same: try again later).
 * - `UNAUTHORIZED`: 401, the access token is expired, revoked or belongs to someone else, or the
 *   email/password pair was refused at login.
 * - `NOT_FOUND`: 404, unknown route or person.
 * - `RATE_LIMITED`: 429 after retries; `retryAfterMs` is set when the server sent Retry-After.
 * - `SERVER`: 5xx after retries (Heroku router errors arrive as HTML, which is fine here).
 * - `INVALID_RESPONSE`: a 2xx whose body is not JSON or fails its schema.
 * - `BAD_REQUEST`: 400/422 or another 4xx: the request we built was refused, which is a bug or
 *   bad input (e.g. a missing email at login), never worth retrying.
 */
export type WeconnectErrorCode =
  | "NETWORK"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "SERVER"
  | "INVALID_RESPONSE"
  | "BAD_REQUEST";

/** Extra fields of a {@link WeconnectError}; every one is optional. */
export interface WeconnectErrorExtra {
  /** HTTP status, absent for NETWORK. */
  status?: number;
  /** Endpoint template such as `GET /People/:id/activities`, never the real URL. */
  endpoint?: string;
  /** LoopBack `error.code` from the body, e.g. `LOGIN_FAILED`, `AUTHORIZATION_REQUIRED`. */
  upstreamCode?: string;
  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
  /** True when a NETWORK error was our own per-request timeout. */
  timedOut?: boolean;
  /** A sanitised cause: never carries the URL or the access token. */
  cause?: unknown;
}

/**
 * The one error class of `@powertoken/weconnect`. Branch on `code`, never on `message`.
 * Its message, cause chain, stack and JSON form never contain the access token or the URL.
 *
 * @example
 * try { await client.listActivities(session); }
 * catch (e) { if (isWeconnectError(e) && e.code === "UNAUTHORIZED") askToSignInAgain(); }
 */
export class WeconnectError extends Error {
  override readonly name = "WeconnectError";
  readonly code: WeconnectErrorCode;
  readonly status: number | undefined;
  readonly endpoint: string | undefined;
  readonly upstreamCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly timedOut: boolean;

  constructor(code: WeconnectErrorCode, message: string, extra: WeconnectErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.status = extra.status;
    this.endpoint = extra.endpoint;
    this.upstreamCode = extra.upstreamCode;
    this.retryAfterMs = extra.retryAfterMs;
    this.timedOut = extra.timedOut ?? false;
  }

  /** A plain, log-safe object (what `JSON.stringify` writes). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      endpoint: this.endpoint,
      upstreamCode: this.upstreamCode,
      retryAfterMs: this.retryAfterMs,
      timedOut: this.timedOut,
    };
  }
}

const CODES: ReadonlySet<string> = new Set<WeconnectErrorCode>([
  "NETWORK",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "RATE_LIMITED",
  "SERVER",
  "INVALID_RESPONSE",
  "BAD_REQUEST",
]);

/**
 * True when `error` is a {@link WeconnectError}. Checks `name` and `code` rather than
 * `instanceof` alone, because a dual ESM/CJS package may be loaded twice in one process.
 */
export function isWeconnectError(error: unknown): error is WeconnectError {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === "WeconnectError" && typeof e.code === "string" && CODES.has(e.code);
}
