/** The two margins of {@link trackerRefreshDue}. */
export interface RefreshDueSettings {
  /** A token valid for less than this is refreshed, so a poll about to use it does not wait. */
  refreshAheadMs: number;
  /** A token expired (unused) for longer than this is refreshed to keep the grant exercised. */
  keepAliveMs: number;
}

/**
 * Whether maintenance should refresh a tracker access token that expires at `expiresAt`.
 *
 * Issue 17: the old rule refreshed every token expiring within the hour, and Google's tokens live
 * 3,599 s (docs/google-health-api.md#token-refresh), so every token was refreshed every hour whether or
 * not anything would use it. Now a token is refreshed ahead only when it runs out within
 * `refreshAheadMs` (the poll's token manager refreshes on demand anyway), and an
 * expired one that nothing used is left alone until it has been idle for `keepAliveMs`: then one
 * refresh proves the grant still stands (a revoked one turns into a reconnect request within a
 * day) and keeps it in use (Google drops refresh tokens unused for six months, or after seven days
 * for an app in testing: docs/google-health-api.md#token-refresh). That is at most one refresh per token lifetime for a token in use, and
 * about one a day for an idle one. Pure.
 */
export function trackerRefreshDue(expiresAt: Date, now: Date, settings: RefreshDueSettings): boolean {
  const leftMs = expiresAt.getTime() - now.getTime();
  if (leftMs >= 0) return leftMs < settings.refreshAheadMs;
  return -leftMs > settings.keepAliveMs;
}
