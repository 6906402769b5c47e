import { isFitbitError } from "@powertoken/fitbit";
import { isWeconnectError } from "@powertoken/weconnect";
import type { ParticipantRecord } from "../data/core-data.js";
import type { ParticipantOutcome } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";
import type { QuotaScope } from "./quota.js";
import type { QuotaFamily } from "./quota-settings.js";

/** The API families a participant's part of a job calls (and so must not be paused for it). */
export function familiesOf(job: "poll" | "maintenance", participant: Pick<ParticipantRecord, "tracker">): QuotaFamily[] {
  // Maintenance writes to the tracker only for the legacy daily goal; a poll always may.
  if (job === "maintenance" && participant.tracker?.backend !== "fitbit-legacy") return ["weconnect", "oauth"];
  return ["weconnect", "tracker", "oauth"];
}

/**
 * Run one participant's work under the quota: a participant postponed by its own 429, or
 * needing a paused API, is skipped `RATE_LIMITED` without a call; a final 429 during the work
 * postpones it until the advertised time (and may pause the API, see Quota.noteRateLimited),
 * and a call refused because the API was paused meanwhile is skipped the same way. Both are
 * skips, not failures: nothing is wrong with the participant; so is a wait for budget cut
 * short by the run's signal (`ABORTED`). Other errors are rethrown.
 */
export async function runWithQuota(
  ctx: PowerTokenContext,
  participant: Pick<ParticipantRecord, "id" | "name" | "tracker">,
  options: { job: "poll" | "maintenance"; signal?: AbortSignal },
  work: () => Promise<ParticipantOutcome>,
): Promise<ParticipantOutcome> {
  const quota = ctx.quota;
  if (!quota) return work();
  const base = { participantId: participant.id, name: participant.name, outcome: "skipped" as const, code: "RATE_LIMITED" };
  const block = quota.blocked(participant.id, familiesOf(options.job, participant));
  if (block) {
    const why = block.scope === "api" ? `the ${block.family} API is paused after 429s for several participants` : `${block.family} answered 429 for this participant`;
    return { ...base, message: `Postponed until ${block.until.toISOString()}: ${why}.` };
  }
  const scope: QuotaScope = { participantId: participant.id };
  if (options.signal) scope.signal = options.signal;
  let outcome: ParticipantOutcome;
  try {
    outcome = await quota.runAs(scope, work);
  } catch (error) {
    const skipped = await asRateLimited(ctx, participant.id, scope, rateLimitOf(error, scope));
    if (skipped) return { ...base, message: skipped };
    // The run was stopped while a call waited for budget: nothing failed, the participant just did not finish.
    if (scope.abortedWait) return { participantId: participant.id, name: participant.name, outcome: "skipped", code: "ABORTED", message: "The run stopped while this participant waited for request budget." };
    throw error;
  }
  // Maintenance records some tracker failures itself and returns them: a 429 among them is a postponement too.
  if (outcome.outcome === "failed" && (outcome.code === "RATE_LIMITED" || scope.refused)) {
    const limited = scope.last429 && outcome.code === "RATE_LIMITED" ? scope.last429 : undefined;
    const skipped = await asRateLimited(ctx, participant.id, scope, limited);
    if (skipped) return { ...base, message: skipped };
  }
  return outcome;
}

/** The family and advertised wait of a final 429, from the error the clients threw. */
function rateLimitOf(error: unknown, scope: QuotaScope): { family: QuotaFamily; retryAfterMs: number | undefined } | undefined {
  if (isWeconnectError(error) && error.code === "RATE_LIMITED") return { family: "weconnect", retryAfterMs: error.retryAfterMs };
  if (isFitbitError(error) && error.code === "RATE_LIMITED") {
    // OAuth servers report themselves as `google-oauth` / `fitbit-oauth`.
    const family: QuotaFamily = error.api?.endsWith("-oauth") ? "oauth" : "tracker";
    return { family, retryAfterMs: error.retryAfterMs ?? (scope.last429?.family === family ? scope.last429.retryAfterMs : undefined) };
  }
  return undefined;
}

/** Postpone (or note the pause that refused the work) and say why; undefined when neither applies. */
async function asRateLimited(
  ctx: PowerTokenContext,
  participantId: number,
  scope: QuotaScope,
  limited: { family: QuotaFamily; retryAfterMs: number | undefined } | undefined,
): Promise<string | undefined> {
  const quota = ctx.quota!;
  if (limited) {
    const { until, pausedUntil } = await quota.noteRateLimited({ participantId, ...limited });
    ctx.log.info("participant postponed after a 429", { participantId, api: limited.family, until: until.toISOString() });
    const pause = pausedUntil ? `; the ${limited.family} API is paused until ${pausedUntil.toISOString()}` : "";
    return `${limited.family} answered 429; postponed until ${until.toISOString()}${pause}.`;
  }
  if (scope.refused) return `Postponed until ${scope.refused.until.toISOString()}: the ${scope.refused.family} API was paused after 429s for several participants.`;
  return undefined;
}
