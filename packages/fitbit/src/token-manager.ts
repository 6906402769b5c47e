import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { FitbitError, isFitbitError } from "./errors.js";
import type { OAuthClient } from "./oauth/client.js";
import type { AccessTokenSource, OrphanedRefresh, StoredToken, TokenSet, TokenStore } from "./token-store.js";

/** Options of `createTokenManager`. */
export interface TokenManagerOptions {
  /** The OAuth client of the account's provider (Google or Fitbit). */
  oauth: OAuthClient;
  /** The caller's token store (compare-and-swap on `version`; `locks` across processes). */
  store: TokenStore;
  /** Clock, also for the refresh lock's lease. @default () => new Date() */
  now?: () => Date;
  /** Refresh when the access token expires within this window. @default 300_000 (5 min) */
  refreshAheadMs?: number;
  /** This manager's id as a lock owner. @default a random UUID */
  owner?: string;
  /**
   * How long a refresh lock holds; longer than a token request can take (the OAuth client's
   * timeout), shorter than the provider's replay window, so a holder that dies is replaced while
   * its refresh token can still be replayed. @default 30_000
   */
  lockLeaseMs?: number;
  /** How long to wait for another holder's lock before failing with TOKEN_STORE. @default 45_000 */
  lockWaitMs?: number;
}

/** Result of `refreshNow`. */
export interface RefreshNowResult {
  /** False when the token was still valid beyond `ifExpiresWithinMs`, so nothing was sent. */
  refreshed: boolean;
  expiresAt: Date;
}

/** The token manager: an AccessTokenSource plus an explicit refresh for the maintenance job. */
export interface TokenManager extends AccessTokenSource {
  /**
   * Refreshes now (or only if the token expires within `ifExpiresWithinMs`), shared with any
   * refresh already in flight. @throws FitbitError REAUTH_REQUIRED, TOKEN_STORE, NETWORK, SERVER
   */
  refreshNow(accountKey: string, options?: { ifExpiresWithinMs?: number }): Promise<RefreshNowResult>;
}

/** Whether the token loaded under the lock still needs the refresh the caller came for. */
type Needs = (current: StoredToken) => boolean;

/** SHA-256 of a refresh token: what the in-flight record keeps instead of the token. */
const fingerprint = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Creates a token manager over a TokenStore. At most one refresh per account is in flight in this
 * manager, and with `store.locks` at most one across every process sharing the store: the lock is
 * held from before the token request until the new pair is saved (issue 16). A process that waited
 * re-reads the store and uses the pair the holder saved. The new pair is saved with
 * compare-and-swap BEFORE the new access token is handed out, because Fitbit refresh tokens are
 * single-use (docs/fitbit-web-api.md#refresh-tokens). `invalid_grant` → REAUTH_REQUIRED and
 * `store.markReauthRequired` only after re-reading, under the lock, that the rejected refresh token
 * is still the stored one; a Fitbit 409 retries once.
 * @example
 * const tokens = createTokenManager({ oauth: createOAuthClient(provider), store });
 * const tracker = createGoogleHealthTracker({ tokens });
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { oauth, store } = options;
  const now = options.now ?? (() => new Date());
  const refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
  const owner = options.owner ?? randomUUID();
  const leaseMs = options.lockLeaseMs ?? 30_000;
  const waitMs = options.lockWaitMs ?? 45_000;
  const inFlight = new Map<string, Promise<StoredToken>>();
  const api = oauth.provider.api;

  const fresh = (token: StoredToken, withinMs = refreshAheadMs) => token.expiresAt.getTime() - now().getTime() > withinMs;

  async function load(accountKey: string): Promise<StoredToken> {
    let token: StoredToken | null;
    try {
      token = await store.load(accountKey);
    } catch (error) {
      throw storeError(accountKey, "load", error);
    }
    if (token === null) {
      throw new FitbitError("REAUTH_REQUIRED", `No tracker tokens are stored for account ${accountKey}. The participant must connect their account.`, { api });
    }
    return token;
  }

  async function save(accountKey: string, tokens: TokenSet, expectedVersion: number): Promise<StoredToken | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.save(accountKey, tokens, expectedVersion);
      } catch (error) {
        // The old refresh token may already be dead (Fitbit): one more try before giving up.
        if (attempt < 2) continue;
        throw storeError(accountKey, "save", error);
      }
    }
  }

  async function giveUp(accountKey: string, error: FitbitError, reason?: string): Promise<never> {
    await store.markReauthRequired?.(accountKey, reason ?? error.upstreamCode ?? error.code).catch(() => undefined);
    throw error;
  }

  /** One token request for `current` (the pair loaded under the lock, if any) and its save. */
  async function refreshOnce(accountKey: string, current: StoredToken, orphan: OrphanedRefresh | null, attempt = 1): Promise<StoredToken> {
    if (current.refreshToken === null) {
      return giveUp(accountKey, new FitbitError("REAUTH_REQUIRED", `Account ${accountKey} has no refresh token. The participant must connect again.`, { api }));
    }
    const sent = fingerprint(current.refreshToken);
    if (store.locks) {
      let held: boolean;
      try {
        held = await store.locks.markInFlight(accountKey, { owner, tokenFingerprint: sent, now: now() });
      } catch (error) {
        throw storeError(accountKey, "record the refresh of", error);
      }
      if (!held) throw lockLost(accountKey);
    }
    let tokens: TokenSet;
    try {
      const { userId: _userId, ...rest } = await oauth.refresh(current.refreshToken);
      tokens = rest;
    } catch (error) {
      if (!isFitbitError(error) || (error.code !== "REAUTH_REQUIRED" && error.code !== "CONFLICT")) throw error;
      // Another process may have rotated the pair (a store without locks, or a lease that ran out):
      // re-read before concluding anything.
      const latest = await load(accountKey);
      if (latest.refreshToken !== current.refreshToken || latest.version !== current.version) {
        if (fresh(latest, 0)) return latest;
        if (attempt < 2) return refreshOnce(accountKey, latest, null, attempt + 1);
      } else if (error.code === "CONFLICT" && attempt < 2) {
        return refreshOnce(accountKey, latest, orphan, attempt + 1); // Fitbit 409 on concurrent refresh: retry once (docs/fitbit-web-api.md#refresh-tokens)
      }
      if (error.code !== "REAUTH_REQUIRED") throw error;
      if (!store.locks && attempt < 2) {
        // Without a lock the rival's save may still be on its way: look once more before flagging.
        await sleep(250);
        const again = await load(accountKey);
        if (again.version !== current.version && fresh(again, 0)) return again;
      }
      // The stored refresh token itself is dead. A holder that died mid-refresh with this very
      // token, outside the provider's replay window, is how a grant gets lost (issue 16).
      const crashed = orphan !== null && orphan.tokenFingerprint === sent;
      return giveUp(accountKey, error, crashed ? "invalid_grant after a refresh interrupted by a crash" : undefined);
    }
    const saved = await save(accountKey, tokens, current.version);
    if (saved !== null) return saved;
    // Lost the compare-and-swap: another process saved a newer pair; use it.
    const latest = await load(accountKey);
    if (fresh(latest, 0)) return latest;
    throw new FitbitError("TOKEN_STORE", `The token store for account ${accountKey} rejected the refreshed tokens twice. Check the store's version handling.`, { api });
  }

  /** Takes the account's lock (waiting for another holder), re-reads, refreshes if still needed. */
  async function refreshLocked(accountKey: string, seen: StoredToken, needs: Needs): Promise<StoredToken> {
    const locks = store.locks;
    if (!locks) return refreshOnce(accountKey, seen, null);
    const deadline = Date.now() + waitMs;
    let claim: { orphan: OrphanedRefresh | null } | null = null;
    for (let round = 0; claim === null; round++) {
      try {
        claim = await locks.lock(accountKey, { owner, leaseMs, now: now() });
      } catch (error) {
        throw storeError(accountKey, "lock", error);
      }
      if (claim !== null) break;
      if (Date.now() > deadline) {
        throw new FitbitError("TOKEN_STORE", `Another process held the token refresh lock of account ${accountKey} for over ${waitMs} ms. Check for a stuck process.`, { api });
      }
      // Jittered back-off, 10 ms growing to 100 ms: the holder usually finishes within one request.
      await sleep(Math.min(100, 10 * 2 ** Math.min(round, 4)) * (0.5 + Math.random()));
    }
    try {
      const current = await load(accountKey);
      // The holder we waited for saved a usable pair: use it instead of refreshing again.
      if (!needs(current)) return current;
      return await refreshOnce(accountKey, current, claim.orphan);
    } finally {
      await locks.unlock(accountKey, { owner }).catch(() => undefined);
    }
  }

  function shared(accountKey: string, seen: StoredToken, needs: Needs): Promise<StoredToken> {
    const running = inFlight.get(accountKey);
    if (running) return running;
    const promise = refreshLocked(accountKey, seen, needs).finally(() => inFlight.delete(accountKey));
    inFlight.set(accountKey, promise);
    return promise;
  }

  return {
    async getAccessToken(accountKey) {
      const running = inFlight.get(accountKey);
      if (running) return (await running).accessToken;
      const token = await load(accountKey);
      if (fresh(token)) return token.accessToken;
      return (await shared(accountKey, token, (current) => !fresh(current))).accessToken;
    },
    async renewAfterRejection(accountKey, rejectedToken) {
      const running = inFlight.get(accountKey);
      if (running) return (await running).accessToken;
      const token = await load(accountKey);
      // Someone already replaced the rejected token: use theirs rather than refreshing again.
      const needs: Needs = (current) => current.accessToken === rejectedToken || !fresh(current, 0);
      if (!needs(token)) return token.accessToken;
      return (await shared(accountKey, token, needs)).accessToken;
    },
    async refreshNow(accountKey, refreshOptions = {}) {
      const running = inFlight.get(accountKey);
      if (running) return { refreshed: true, expiresAt: (await running).expiresAt };
      const token = await load(accountKey);
      const within = refreshOptions.ifExpiresWithinMs;
      if (within !== undefined && fresh(token, within)) return { refreshed: false, expiresAt: token.expiresAt };
      // A forced refresh is satisfied by any refresh saved since this call read the store.
      const needs: Needs = (current) => (within === undefined ? current.version === token.version : !fresh(current, within));
      return { refreshed: true, expiresAt: (await shared(accountKey, token, needs)).expiresAt };
    },
  };
}

function lockLost(accountKey: string): FitbitError {
  return new FitbitError("TOKEN_STORE", `The token refresh lock of account ${accountKey} ran out before the request was sent. Raise lockLeaseMs or check for a slow database.`);
}

function storeError(accountKey: string, operation: string, error: unknown): FitbitError {
  // The store's own error is kept only by name: store errors can quote rows, and rows hold tokens.
  const name = error instanceof Error ? error.name : "unknown";
  return new FitbitError("TOKEN_STORE", `The token store failed to ${operation} account ${accountKey} (${name}). Check the database.`, {
    cause: new Error(`${name} during ${operation}`),
  });
}
