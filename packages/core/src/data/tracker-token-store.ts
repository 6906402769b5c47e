import { claimRefreshLock, markRefreshInFlight, releaseRefreshLock, type DatabaseHandle } from "@powertoken/db";
import type { RefreshLocking, TokenStore } from "@powertoken/fitbit";
import type { CoreData } from "./core-data.js";

/** Options of `createTrackerTokenStore`. */
export interface TrackerTokenStoreOptions {
  /**
   * The database whose `tracker_refresh_locks` serialise refreshes across processes and replicas
   * (issue 16). Without it refreshes are serialised only inside one process.
   */
  db?: DatabaseHandle["db"];
}

/**
 * The `TokenStore` the tracker token managers use, over core's data port: `save` is a
 * compare-and-swap on the account's `version` (and clears a re-auth flag), and with `db` a lease
 * row per account is held from before each token request until its answer is saved, so no two
 * processes ever send the same single-use refresh token (docs/fitbit-web-api.md#refresh-tokens).
 * @example
 * const store = createTrackerTokenStore(createDbCoreData(handle), { db: handle.db });
 */
export function createTrackerTokenStore(
  data: Pick<CoreData, "loadTrackerToken" | "saveTrackerToken" | "markTrackerReauth">,
  options: TrackerTokenStoreOptions = {},
): TokenStore {
  const store: TokenStore = {
    load: (accountKey) => data.loadTrackerToken(accountKey),
    save: (accountKey, tokens, expectedVersion) => data.saveTrackerToken(accountKey, tokens, expectedVersion),
    markReauthRequired: (accountKey, reason) => data.markTrackerReauth(accountKey, reason),
  };
  if (options.db) store.locks = databaseLocks(options.db);
  return store;
}

// A lease row claimed by a guarded upsert, not a transaction held across the HTTP call: on SQLite
// an open write transaction would block every other writer (polls, other refreshes) meanwhile.
function databaseLocks(db: DatabaseHandle["db"]): RefreshLocking {
  return {
    lock: (accountKey, input) => claimRefreshLock(db, { accountId: Number(accountKey), owner: input.owner, leaseMs: input.leaseMs, now: input.now }),
    markInFlight: (accountKey, input) =>
      markRefreshInFlight(db, { accountId: Number(accountKey), owner: input.owner, tokenFingerprint: input.tokenFingerprint, now: input.now }),
    unlock: (accountKey, input) => releaseRefreshLock(db, { accountId: Number(accountKey), owner: input.owner }),
  };
}
