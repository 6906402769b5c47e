import { isDbError } from "@powertoken/db";
import type { RunRecorder } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";

/** Profiles read per query: the removal walks them in keyset pages so a backlog is never read at once. */
const PAGE_SIZE = 1000;

/**
 * Remove (or, in a dry run, report) the profiles still missing a WEconnect link or a tracker
 * account once older than the grace period, each with an audit row; someone half-way through
 * sign-up keeps their row until then (docs/original-system.md#bug-17-half-enrolled-users-deleted).
 * Paused profiles are included: a pause stops polling and maintenance of someone's accounts, and
 * an incomplete profile has none to protect (issue 12 noted they were never removed). Returns how
 * many were removed (or would be).
 */
export async function removeIncompleteProfiles(
  ctx: PowerTokenContext,
  input: { startedAt: Date; dryRun: boolean; participantIds?: readonly number[]; recorder: RunRecorder },
): Promise<number> {
  const createdBefore = new Date(input.startedAt.getTime() - ctx.settings.incompleteGraceHours * 3_600_000);
  let removed = 0;
  for (let afterId = 0; ; ) {
    const page = await ctx.data.listIncompleteProfiles({ afterId, limit: PAGE_SIZE, createdBefore, ...(input.participantIds ? { ids: input.participantIds } : {}) });
    for (const p of page) {
      const missing = p.hasWeconnect ? "no tracker account" : "no WEconnect account";
      if (!input.dryRun) {
        try {
          await ctx.data.removeParticipant({ participantId: p.id, reason: `incomplete sign-up: ${missing}`, at: input.startedAt });
        } catch (error) {
          // Another replica's maintenance removed it first: nothing is left to do.
          if (isDbError(error) && error.code === "NOT_FOUND") continue;
          throw error;
        }
      }
      removed += 1;
      input.recorder.add({ participantId: p.id, name: p.name, outcome: input.dryRun ? "skipped" : "removed", code: input.dryRun ? "DRY_RUN" : "INCOMPLETE", message: missing });
    }
    if (page.length < PAGE_SIZE) return removed;
    afterId = page[page.length - 1]!.id;
  }
}
