import { classifyError } from "../run/classify-error.js";
import type { PowerTokenContext } from "./context.js";

/** What {@link recoverOrphanedRefreshes} did. */
export interface OrphanRecoveryResult {
  /** Accounts whose interrupted refresh was completed (the stored refresh token replayed). */
  recovered: number;
  /** Accounts whose recovery failed, with the error code only (never a token). */
  failed: Array<{ accountId: number; code: string }>;
  /** Accounts skipped: their backend is not configured in this runtime. */
  skipped: number;
}

/**
 * Completes the tracker token refreshes a process left half done: it died after sending a
 * refresh token and before saving the answer (`ctx.data.listOrphanedRefreshes`). Each such account
 * is refreshed again through its backend's token manager, which sends the stored refresh token
 * once more; the provider accepts that replay only for a short window after the first use
 * (Fitbit: 2 minutes, docs/fitbit-web-api.md#refresh-tokens), so call this at start-up and at the start of
 * every maintenance run. Never throws for one account: failures are logged by code and counted.
 * @example const { recovered } = await recoverOrphanedRefreshes(runtime.ctx);
 */
export async function recoverOrphanedRefreshes(ctx: PowerTokenContext): Promise<OrphanRecoveryResult> {
  const result: OrphanRecoveryResult = { recovered: 0, failed: [], skipped: 0 };
  const orphans = await ctx.data.listOrphanedRefreshes(ctx.now());
  for (const orphan of orphans) {
    const manager = ctx.tokenManagers[orphan.backend];
    if (!manager) {
      result.skipped += 1;
      continue;
    }
    try {
      await manager.refreshNow(String(orphan.accountId));
      result.recovered += 1;
    } catch (error) {
      // A token manager's errors carry no token; the code is all the log needs.
      const code = classifyError(error).code;
      result.failed.push({ accountId: orphan.accountId, code });
      ctx.log.warn("could not recover an interrupted token refresh", { accountId: orphan.accountId, backend: orphan.backend, code });
    }
  }
  if (orphans.length > 0) ctx.log.info("interrupted token refreshes recovered", { found: orphans.length, recovered: result.recovered, failed: result.failed.length, skipped: result.skipped });
  return result;
}
