/** Why a tracker call failed; callers branch on this, never on the message. */
export type FitbitErrorCode =
  | "NETWORK" // no response: refused, reset, DNS, timeout
  | "UNAUTHORIZED" // 401 that a token refresh did not cure
  | "REAUTH_REQUIRED" // invalid_grant / revoked grant: the participant must consent again
  | "INSUFFICIENT_SCOPE" // granted scopes lack one we need (the participant unticked it)
  | "FORBIDDEN" // 403 other than scope: no permission on the resource (Google: reconnect the participant)
  | "API_NOT_ENABLED" // Google 403: the Google Health API is not enabled in the Cloud project
  | "ACCOUNT_NOT_LINKED" // Google 400 FAILED_PRECONDITION: the Google account has no Google Health profile
  | "NOT_FOUND"
  | "CONFLICT" // 409 that survived our own handling (create→patch, refresh race)
  | "RATE_LIMITED" // 429; retryAfterMs set when the server said how long
  | "SERVER" // 5xx after retries
  | "BAD_REQUEST" // 400: our request was wrong (a bug, or bad input from the caller)
  | "INVALID_RESPONSE" // 2xx whose body failed its schema
  | "API_GONE" // 410: the legacy Fitbit Web API is switched off
  | "TOKEN_STORE"; // the caller's token store failed or lost a compare-and-swap twice

/** Extra facts about a failure; none of them ever holds a token. */
export interface FitbitErrorExtra {
  status?: number;
  /** The endpoint template, e.g. `POST /1/user/-/activities.json`, never the real URL. */
  endpoint?: string;
  /** Which API answered: `google-health`, `fitbit-legacy`, or an OAuth server. */
  api?: string;
  /** Upstream error identifier (`invalid_grant`, `expired_token`, `ALREADY_EXISTS`…). */
  upstreamCode?: string;
  retryAfterMs?: number;
  /** INSUFFICIENT_SCOPE: the scopes the grant lacks. */
  missingScopes?: string[];
  cause?: unknown;
}

/** The one error class of @powertoken/fitbit. Its message says what happened and what to do. */
export class FitbitError extends Error {
  override readonly name = "FitbitError";
  readonly code: FitbitErrorCode;
  readonly status: number | undefined;
  readonly endpoint: string | undefined;
  readonly api: string | undefined;
  readonly upstreamCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly missingScopes: string[] | undefined;

  constructor(code: FitbitErrorCode, message: string, extra: FitbitErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.status = extra.status;
    this.endpoint = extra.endpoint;
    this.api = extra.api;
    this.upstreamCode = extra.upstreamCode;
    this.retryAfterMs = extra.retryAfterMs;
    this.missingScopes = extra.missingScopes;
  }
}

/**
 * True for a FitbitError from any copy of this package (ESM and CJS builds can both be loaded,
 * giving two classes), so it checks `name` and `code` rather than `instanceof` alone.
 */
export function isFitbitError(error: unknown): error is FitbitError {
  return (
    error instanceof FitbitError ||
    (error instanceof Error && error.name === "FitbitError" && typeof (error as FitbitError).code === "string")
  );
}
