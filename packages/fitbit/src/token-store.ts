/** A tracker account's OAuth tokens as the caller stores them. */
export interface StoredToken {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires. */
  expiresAt: Date;
  /** Scopes actually granted (a participant can untick some on the consent screen). */
  scopes: string[];
  /** Opaque version for compare-and-swap; the store bumps it on every successful save. */
  version: number;
}

/** Tokens after a grant or refresh, before the store gives them a version. */
export type TokenSet = Omit<StoredToken, "version">;

/**
 * Where the caller keeps tokens (the PowerToken database, a file, memory). The tracker clients
 * never keep tokens themselves beyond one call.
 */
export interface TokenStore {
  /** The current tokens of an account, or null when it has none (never connected, or removed). */
  load(accountKey: string): Promise<StoredToken | null>;
  /**
   * Save new tokens only if the stored version still equals `expectedVersion`.
   * Returns the saved record, or null when another writer got there first (the caller re-loads).
   */
  save(accountKey: string, tokens: TokenSet, expectedVersion: number): Promise<StoredToken | null>;
  /** Optional: told when a grant is dead (invalid_grant, revoked) so the caller can flag the account. */
  markReauthRequired?(accountKey: string, reason: string): Promise<void>;
  /**
   * Optional, and needed wherever several processes share the store: a lock held from before a
   * refresh request until its answer is saved. Without it refreshes are serialised only inside
   * one token manager, and a race between processes can burn a single-use refresh token.
   */
  locks?: RefreshLocking;
}

/** A refresh another holder started (sent its refresh token) and never saved: it died. */
export interface OrphanedRefresh {
  /** SHA-256 (hex) of the refresh token it sent. */
  tokenFingerprint: string;
  startedAt: Date;
}

/** A cross-process refresh lock per account, e.g. a lease row in the caller's database. */
export interface RefreshLocking {
  /** Takes the lock for `leaseMs` unless another owner holds an unexpired lease; null when held. */
  lock(accountKey: string, input: { owner: string; leaseMs: number; now: Date }): Promise<{ orphan: OrphanedRefresh | null } | null>;
  /** Records which refresh token is about to be sent; false when `owner` lost the lock. */
  markInFlight(accountKey: string, input: { owner: string; tokenFingerprint: string; now: Date }): Promise<boolean>;
  /** Releases the lock and clears the in-flight record (no effect when `owner` no longer holds it). */
  unlock(accountKey: string, input: { owner: string }): Promise<void>;
}

/** Gives the API clients a valid access token per account; implemented by the token manager. */
export interface AccessTokenSource {
  /** A usable access token, refreshed first when it expires soon. @throws FitbitError REAUTH_REQUIRED */
  getAccessToken(accountKey: string): Promise<string>;
  /** After a 401 with `rejectedToken`: refresh (once, shared with concurrent callers) and return the new token. */
  renewAfterRejection(accountKey: string, rejectedToken: string): Promise<string>;
}
