import type { TokenStore } from "@powertoken/fitbit";
import type { CoreData } from "./core-data.js";

/**
 * The `TokenStore` the tracker token managers use, over core's data port: `save` is a
 * compare-and-swap on the account's `version`, so two processes refreshing at once never
 * overwrite each other's single-use refresh token (fitbit-web-api.md §2.5).
 */
export function createTrackerTokenStore(data: Pick<CoreData, "loadTrackerToken" | "saveTrackerToken" | "markTrackerReauth">): TokenStore {
  return {
    load: (accountKey) => data.loadTrackerToken(accountKey),
    save: (accountKey, tokens, expectedVersion) => data.saveTrackerToken(accountKey, tokens, expectedVersion),
    markReauthRequired: (accountKey, reason) => data.markTrackerReauth(accountKey, reason),
  };
}
