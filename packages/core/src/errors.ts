/** Why a core operation failed as a whole (a participant's own failure in a run is reported, not thrown). */
export type CoreErrorCode =
  | "CONFIG_NOT_FOUND" // the config file named does not exist
  | "CONFIG_INVALID" // a key has a wrong value; `key` names it
  | "NOT_CONFIGURED" // a setting the operation needs is missing; `key` names it (e.g. the encryption key, an OAuth client)
  | "INVALID_INPUT" // a value handed in is wrong; `key` names the field
  | "PARTICIPANT_NOT_FOUND" // no participant with that study name or id
  | "WECONNECT_CREDENTIALS_REJECTED" // WEconnect refused the e-mail/password
  | "WECONNECT_UNAVAILABLE" // WEconnect is down, slow or rate-limiting: try again later (`retryable`)
  | "WECONNECT_ACCOUNT_IN_USE" // that WEconnect account is already linked to another participant who is not ended
  | "CONSENT_DENIED" // the participant declined on the consent screen
  | "CONSENT_SCOPES_MISSING" // consent given without every permission; `missingScopes` lists them
  | "CONSENT_INVALID" // the OAuth callback is not ours: state mismatch, replayed or foreign code
  | "COORDINATOR_EXISTS" // a coordinator with that e-mail already exists
  | "COORDINATOR_NOT_FOUND" // no coordinator with that e-mail
  | "SIGNIN_REJECTED" // wrong e-mail or password (one message for both, so e-mails cannot be probed)
  | "SIGNIN_LOCKED" // too many failed sign-ins for the account or address; `retryAt` says when to try again
  | "API_PAUSED"; // an API family is paused after 429s for several participants; `retryAt` says until when

/** Extra facts an error may carry. */
export interface CoreErrorExtra {
  /** The dotted config key or input field involved, e.g. `poll.concurrency`, `timeZone`. */
  key?: string;
  /** For CONSENT_SCOPES_MISSING: the scopes the participant left unticked. */
  missingScopes?: string[];
  /** For SIGNIN_LOCKED: when sign-in is allowed again; for API_PAUSED: when calls resume. */
  retryAt?: Date;
  cause?: unknown;
}

const RETRYABLE: ReadonlySet<CoreErrorCode> = new Set(["WECONNECT_UNAVAILABLE", "API_PAUSED"]);

/** The one error class of @powertoken/core. */
export class CoreError extends Error {
  override readonly name = "CoreError";
  readonly code: CoreErrorCode;
  /** The dotted config key or input field that was wrong or missing. */
  readonly key: string | undefined;
  /** For CONSENT_SCOPES_MISSING: the scopes not granted. */
  readonly missingScopes: string[] | undefined;
  /** For SIGNIN_LOCKED: when sign-in is allowed again. */
  readonly retryAt: Date | undefined;
  /** True when the same call may succeed later without any change (a service was unavailable). */
  readonly retryable: boolean;

  constructor(code: CoreErrorCode, message: string, extra: CoreErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.key = extra.key;
    this.missingScopes = extra.missingScopes;
    this.retryAt = extra.retryAt;
    this.retryable = RETRYABLE.has(code);
  }
}

/** True for a CoreError from any copy of this package (ESM and CJS builds may both be loaded). */
export function isCoreError(error: unknown): error is CoreError {
  return (
    error instanceof CoreError ||
    (error instanceof Error && error.name === "CoreError" && typeof (error as CoreError).code === "string")
  );
}
