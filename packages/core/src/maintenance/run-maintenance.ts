import { isFitbitError } from "@powertoken/fitbit";
import { localDateOf, localDayWindow } from "@powertoken/weconnect";
import type { ParticipantRecord } from "../data/core-data.js";
import { storedEventsOf } from "../data/weconnect-to-stored.js";
import { goalStepsFor } from "../mapping/mapping-settings.js";
import { recordFailure, runParticipants, type ProgressListener } from "../run/run-participants.js";
import { createRunRecorder, finishTiming, type ParticipantOutcome } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { diffActivities } from "./sync-activities.js";

/** Options of {@link runMaintenance}. */
export interface RunMaintenanceOptions {
  /** Report what would change; change nothing. */
  dryRun?: boolean;
  participantIds?: readonly number[];
  /** A replica id: take row leases (see runPoll). */
  owner?: string;
  /** With `owner`: when the next maintenance run is scheduled (see runPoll). */
  cycleEndsAt?: Date;
  signal?: AbortSignal;
  /**
   * Called once per participant as it finishes (see runPoll). `total` counts the complete,
   * not-ended participants; incomplete profiles removed before them are not reported.
   */
  onProgress?: ProgressListener;
}

/** What one maintenance run did. */
export interface MaintenanceResult {
  job: "maintenance";
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  aborted: boolean;
  removedIncomplete: number;
  tokensRefreshed: number;
  tokensFailed: number;
  statusChanges: number;
  activitiesUpserted: number;
  activitiesRemoved: number;
  eventsUpserted: number;
  goalsSet: number;
  failed: number;
  failuresByCode: Record<string, number>;
  participants: ParticipantOutcome[];
}

/**
 * The hourly maintenance: remove incomplete profiles past the grace period (audited), refresh
 * tracker tokens that expire within the hour, check WEconnect tokens, remove expired activities,
 * sync activities changed in WEconnect, store today's events and day row in each participant's
 * zone, and set the legacy daily goal the mapping expects. Every task is safe to re-run.
 * @example const result = await runMaintenance(runtime.ctx, { dryRun: true });
 */
export async function runMaintenance(ctx: PowerTokenContext, options: RunMaintenanceOptions = {}): Promise<MaintenanceResult> {
  const startedAt = ctx.now();
  const dryRun = options.dryRun ?? false;
  const recorder = createRunRecorder();
  const counts = { removedIncomplete: 0, tokensRefreshed: 0, tokensFailed: 0, statusChanges: 0, activitiesUpserted: 0, activitiesRemoved: 0, eventsUpserted: 0, goalsSet: 0 };
  const onStatusChange = () => void (counts.statusChanges += 1);

  const everyone = await ctx.data.listParticipants(options.participantIds ? { ids: options.participantIds } : undefined);
  const graceMs = ctx.settings.incompleteGraceHours * 3_600_000;
  const complete: ParticipantRecord[] = [];
  for (const p of everyone) {
    if (p.weconnect && p.tracker) {
      complete.push(p);
      continue;
    }
    // Someone half-way through sign-up keeps their row for the grace period (§9.17).
    if (startedAt.getTime() - p.createdAt.getTime() < graceMs) continue;
    counts.removedIncomplete += 1;
    recorder.add({ participantId: p.id, name: p.name, outcome: dryRun ? "skipped" : "removed", code: dryRun ? "DRY_RUN" : "INCOMPLETE", message: p.weconnect ? "no tracker account" : "no WEconnect account" });
    if (dryRun) continue;
    await ctx.data.removeParticipant({ participantId: p.id, reason: p.weconnect ? "incomplete sign-up: no tracker account" : "incomplete sign-up: no WEconnect account", at: startedAt });
  }

  if (!dryRun && !options.participantIds) {
    await ctx.data.removeExpiredActivities(startedAt);
  }

  const aborted = await runParticipants(
    ctx,
    complete.filter((p) => p.status !== "ended"),
    recorder,
    { job: "maintenance", concurrency: ctx.settings.concurrency, owner: options.owner, cycleEndsAt: options.cycleEndsAt, signal: options.signal, onProgress: options.onProgress },
    (p) => maintainParticipant(ctx, p, dryRun, counts, onStatusChange),
    onStatusChange,
  );
  const tally = recorder.tally();
  return {
    job: "maintenance",
    ...finishTiming(startedAt, ctx.now(), aborted),
    ...counts,
    failed: tally.failed,
    failuresByCode: tally.failuresByCode,
    participants: tally.participants,
  };
}

type Counts = { tokensRefreshed: number; tokensFailed: number; activitiesUpserted: number; activitiesRemoved: number; eventsUpserted: number; goalsSet: number };

async function maintainParticipant(ctx: PowerTokenContext, p: ParticipantRecord, dryRun: boolean, counts: Counts, onStatusChange: () => void): Promise<ParticipantOutcome> {
  const base = { participantId: p.id, name: p.name };
  const now = ctx.now();
  const weconnect = p.weconnect;
  const account = p.tracker;
  if (!weconnect || !account) return { ...base, outcome: "skipped", code: "INCOMPLETE" };

  // Tracker token: refresh ahead of expiry so the next polls never wait on it.
  const manager = ctx.tokenManagers[account.backend];
  if (manager && !dryRun) {
    try {
      const { refreshed } = await manager.refreshNow(account.accountKey, { ifExpiresWithinMs: ctx.settings.refreshAheadMs });
      if (refreshed) counts.tokensRefreshed += 1;
    } catch (error) {
      counts.tokensFailed += 1;
      return recordFailure(ctx, p, "maintenance", error, onStatusChange);
    }
  }
  // WEconnect tokens cannot be refreshed: an expired one needs the participant to sign in again.
  if (weconnect.expiresAt !== null && weconnect.expiresAt.getTime() <= now.getTime()) {
    counts.tokensFailed += 1;
    if (!dryRun && p.status !== "needs-weconnect-signin" && (await ctx.data.setStatus(p.id, "needs-weconnect-signin", "WEconnect token expired", now))) onStatusChange();
    return { ...base, outcome: "failed", code: "WECONNECT_TOKEN_EXPIRED", message: "The WEconnect token has expired; the participant must sign in again." };
  }
  const session = { personId: weconnect.personId, token: weconnect.token };
  // listActivities doubles as the token check: a rejected token throws UNAUTHORIZED.
  const remote = await ctx.weconnect.listActivities(session);
  const stored = await ctx.data.listActivities(p.id);
  const changes = diffActivities(remote, stored);
  counts.activitiesUpserted += changes.upsert.length;
  counts.activitiesRemoved += changes.removeIds.length;

  const localDate = localDateOf(now, p.timeZone);
  const today = await ctx.weconnect.listActivitiesWithEvents(session, localDayWindow(p.timeZone, localDate));
  const events = storedEventsOf(today);
  counts.eventsUpserted += events.length;
  if (dryRun) return { ...base, outcome: "skipped", code: "DRY_RUN", message: `${changes.upsert.length} to upsert, ${changes.removeIds.length} to remove` };

  await ctx.data.syncActivities({ participantId: p.id, upsert: changes.upsert, removeIds: changes.removeIds, at: now });
  const completed = events.filter((e) => e.checkedIn).length;
  await ctx.data.saveDaySnapshot({
    participantId: p.id,
    localDate,
    events,
    plannedCount: events.length,
    completedCount: completed,
    dailyProgress: events.length === 0 ? 0 : completed / events.length,
    // The poll owns an existing day's counts and last-polled time (the catch-up rule reads them).
    createOnly: true,
    at: now,
  });

  // Legacy only: the tracker's goal bar must mean "done" at the mapping's full value.
  const tracker = ctx.trackers[account.backend];
  if (tracker && tracker.backend === "fitbit-legacy") {
    const goal = p.mapping === "seed" || p.mapping === "plan" || p.mapping === "weight" ? p.goalSteps : goalStepsFor(p.mapping);
    try {
      const { changed } = await tracker.ensureDailyStepGoal(account.accountKey, goal);
      if (changed) counts.goalsSet += 1;
    } catch (error) {
      if (!isFitbitError(error)) throw error;
      return recordFailure(ctx, p, "maintenance", error, onStatusChange);
    }
  }
  // A participant in a needs-* state is put back to active by the sign-in or consent flow, not here.
  return { ...base, outcome: "updated" };
}
