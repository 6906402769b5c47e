import { FitbitError, isFitbitError } from "./errors.js";
import type { OAuthClient } from "./oauth/client.js";
import type { AccessTokenSource, StoredToken, TokenSet, TokenStore } from "./token-store.js";

/** Options of `createTokenManager`. */
export interface TokenManagerOptions {
  /** The OAuth client of the account's provider (Google or Fitbit). */
  oauth: OAuthClient;
  /** The caller's token store (compare-and-swap on `version`). */
  store: TokenStore;
  /** Clock. @default () => new Date() */
  now?: () => Date;
  /** Refresh when the access token expires within this window. @default 300_000 (5 min) */
  refreshAheadMs?: number;
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

/**
 * Creates a token manager over a TokenStore. At most one refresh per account is in flight in this
 * manager; the new pair is saved with compare-and-swap BEFORE the new access token is handed out,
 * because Fitbit refresh tokens are single-use (fitbit-web-api.md §2.5, Q2). A lost swap means
 * another process refreshed: its stored token is used. `invalid_grant` → REAUTH_REQUIRED and
 * `store.markReauthRequired`; a Fitbit 409 re-reads the store and retries once.
 * @example
 * const tokens = createTokenManager({ oauth: createOAuthClient(provider), store });
 * const tracker = createGoogleHealthTracker({ tokens });
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { oauth, store } = options;
  const now = options.now ?? (() => new Date());
  const refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
  const inFlight = new Map<string, Promise<StoredToken>>();

  const fresh = (token: StoredToken, withinMs = refreshAheadMs) => token.expiresAt.getTime() - now().getTime() > withinMs;

  async function load(accountKey: string): Promise<StoredToken> {
    let token: StoredToken | null;
    try {
      token = await store.load(accountKey);
    } catch (error) {
      throw storeError(accountKey, "load", error);
    }
    if (token === null) {
      throw new FitbitError("REAUTH_REQUIRED", `No tracker tokens are stored for account ${accountKey}. The participant must connect their account.`, {
        api: oauth.provider.api,
      });
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

  async function giveUp(accountKey: string, error: FitbitError): Promise<never> {
    await store.markReauthRequired?.(accountKey, error.upstreamCode ?? error.code).catch(() => undefined);
    throw error;
  }

  async function refresh(accountKey: string, seen: StoredToken, retried = false): Promise<StoredToken> {
    if (seen.refreshToken === null) {
      return giveUp(accountKey, new FitbitError("REAUTH_REQUIRED", `Account ${accountKey} has no refresh token. The participant must connect again.`, { api: oauth.provider.api }));
    }
    let tokens: TokenSet;
    try {
      const { userId: _userId, ...rest } = await oauth.refresh(seen.refreshToken);
      tokens = rest;
    } catch (error) {
      if (!isFitbitError(error) || (error.code !== "REAUTH_REQUIRED" && error.code !== "CONFLICT")) throw error;
      // Another process may have rotated the pair (Q2): re-read before concluding anything.
      const current = await load(accountKey);
      if (current.version !== seen.version) {
        if (fresh(current, 0)) return current;
        if (!retried) return refresh(accountKey, current, true);
      } else if (error.code === "CONFLICT" && !retried) {
        return refresh(accountKey, current, true); // Fitbit 409 on concurrent refresh: retry once (§2.5)
      }
      if (error.code === "REAUTH_REQUIRED") return giveUp(accountKey, error);
      throw error;
    }
    const saved = await save(accountKey, tokens, seen.version);
    if (saved !== null) return saved;
    // Lost the compare-and-swap: another process saved a newer pair; use it.
    const current = await load(accountKey);
    if (fresh(current, 0)) return current;
    throw new FitbitError("TOKEN_STORE", `The token store for account ${accountKey} rejected the refreshed tokens twice. Check the store's version handling.`, {
      api: oauth.provider.api,
    });
  }

  function shared(accountKey: string, seen: StoredToken): Promise<StoredToken> {
    const running = inFlight.get(accountKey);
    if (running) return running;
    const promise = refresh(accountKey, seen).finally(() => inFlight.delete(accountKey));
    inFlight.set(accountKey, promise);
    return promise;
  }

  return {
    async getAccessToken(accountKey) {
      const running = inFlight.get(accountKey);
      if (running) return (await running).accessToken;
      const token = await load(accountKey);
      if (fresh(token)) return token.accessToken;
      return (await shared(accountKey, token)).accessToken;
    },
    async renewAfterRejection(accountKey, rejectedToken) {
      const running = inFlight.get(accountKey);
      if (running) return (await running).accessToken;
      const token = await load(accountKey);
      // Someone already replaced the rejected token: use theirs rather than refreshing again.
      if (token.accessToken !== rejectedToken && fresh(token, 0)) return token.accessToken;
      return (await shared(accountKey, token)).accessToken;
    },
    async refreshNow(accountKey, refreshOptions = {}) {
      const running = inFlight.get(accountKey);
      if (running) return { refreshed: true, expiresAt: (await running).expiresAt };
      const token = await load(accountKey);
      if (refreshOptions.ifExpiresWithinMs !== undefined && fresh(token, refreshOptions.ifExpiresWithinMs)) {
        return { refreshed: false, expiresAt: token.expiresAt };
      }
      return { refreshed: true, expiresAt: (await shared(accountKey, token)).expiresAt };
    },
  };
}

function storeError(accountKey: string, operation: string, error: unknown): FitbitError {
  // The store's own error is kept only by name: store errors can quote rows, and rows hold tokens.
  const name = error instanceof Error ? error.name : "unknown";
  return new FitbitError("TOKEN_STORE", `The token store failed to ${operation} account ${accountKey} (${name}). Check the database.`, {
    cause: new Error(`${name} during ${operation}`),
  });
}
