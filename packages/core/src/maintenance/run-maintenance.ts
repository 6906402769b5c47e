import { isFitbitError } from "@powertoken/fitbit";
import { localDateOf, localDayWindow } from "@powertoken/weconnect";
import type { ParticipantRecord } from "../data/core-data.js";
import { storedEventsOf } from "../data/weconnect-to-stored.js";
import { goalStepsFor } from "../mapping/mapping-settings.js";
import { recordFailure, type ProgressListener } from "../run/run-participants.js";
import { createRunRecorder, finishTiming, type OutcomeListing, type ParticipantOutcome, type QuotaUsage } from "../run/run-result.js";
import { trackQuotaUsage } from "../quota/quota-usage.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { recoverOrphanedRefreshes } from "../runtime/recover-orphaned-refreshes.js";
import type { MaintenanceInputs } from "./maintenance-inputs.js";
import { trackerRefreshDue } from "./refresh-due.js";
import { removeIncompleteProfiles } from "./remove-incomplete.js";
import { eventsAlreadyStored } from "./same-events.js";
import { diffActivities } from "./sync-activities.js";
import { repairDrift, type DriftResult } from "../drift/repair-drift.js";
import { restoreWorkingTokens, type RestoreResult } from "../run/restore-working-tokens.js";
import { walkMaintenancePages } from "./walk-pages.js";
import { createTrackerClientTally, type TrackerClientTally, type TrackerNotConfigured } from "./tracker-clients.js";

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
  onProgress?: ProgressListener;  /**
   * Which outcomes the result's `participants` lists: every participant's (`all`), or only the
   * failed and skipped ones (`exceptions`; counts stay whole), so a run over a large study holds
   * no per-participant list: what a long-running process streaming outcomes through `onProgress`
   * wants. @default "all"
   */
  outcomes?: OutcomeListing;
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
  /** Flagged participants whose stored token was tried again, and those it gave their status back (issue 15). */
  tokensChecked: number;
  tokensRestored: number;
  /** Drift repair (issue 15): confirmed days read back from the tracker, rewritten because they differed, and failed. */
  driftChecked: number;
  driftRepaired: number;
  driftFailed: number;
  /**
   * Tracker backends this run needed whose OAuth client is not configured, each with its config
   * key, a message naming the settings, and what it left undone; nothing was sent for them, their
   * participants' WEconnect sync still ran. Absent when every needed client is there (as in
   * every run of a correctly configured study, whose results keep their shape).
   */
  trackerNotConfigured?: TrackerNotConfigured[];
  /**
   * Present (true) when tracker work was needed and none of it could be done (every backend
   * needed is in `trackerNotConfigured`): `runOutcome` calls the run `failed`, as the poll
   * refuses to start without any client.
   */
  trackerPassesSkipped?: true;
  /** Participants brought up to date, and those skipped (leased elsewhere, rate limited, dry run, aborted…). */
  updated: number;
  skipped: number;
  failed: number;
  failuresByCode: Record<string, number>;
  /** Budget use per API family (requests, budget, peak per minute, waits, pauses); absent without a quota. */
  quota?: QuotaUsage;
  /** Every participant's outcome, or only the failed and skipped ones with `outcomes: "exceptions"`. */
  participants: ParticipantOutcome[];
}

/**
 * The hourly maintenance: remove incomplete profiles past the grace period (audited), refresh
 * tracker tokens that are about to run out (or long idle, see trackerRefreshDue), check WEconnect tokens, remove expired activities,
 * sync activities changed in WEconnect, store today's events and day row in each participant's
 * zone, and set the legacy daily goal the mapping expects. Every task is safe to re-run, and a
 * participant with nothing changed costs two WEconnect reads and no write (issue 17).
 * @example const result = await runMaintenance(runtime.ctx, { dryRun: true });
 */
export async function runMaintenance(ctx: PowerTokenContext, options: RunMaintenanceOptions = {}): Promise<MaintenanceResult> {
  const startedAt = ctx.now();
  const dryRun = options.dryRun ?? false;
  const recorder = createRunRecorder(options.outcomes);
  const counts = { removedIncomplete: 0, tokensRefreshed: 0, tokensFailed: 0, statusChanges: 0, activitiesUpserted: 0, activitiesRemoved: 0, eventsUpserted: 0, goalsSet: 0 };
  const onStatusChange = () => void (counts.statusChanges += 1);
  // Every tracker pass asks first whether its client is configured, so a run without one (cron's
  // empty environment) sends nothing, records no per-participant failure, and says what is missing.
  const clients = createTrackerClientTally(ctx);
  // Refreshes a killed process left in flight, while the provider still accepts the replay (issue 16).
  if (!dryRun) await recoverOrphanedRefreshes(ctx);

  counts.removedIncomplete = await removeIncompleteProfiles(ctx, { startedAt, dryRun, recorder, ...(options.participantIds ? { participantIds: options.participantIds } : {}) });

  if (!dryRun && !options.participantIds) {
    await ctx.data.removeExpiredActivities(startedAt);
  }

  // Participants are read a page at a time (issue 17: memory flat in N), ended, paused and
  // incomplete ones left out by the query.
  // The usage recorder stays open through the restore and drift passes: their requests pass the same gate.
  const quotaUsage = await trackQuotaUsage(ctx);
  let aborted: boolean;
  let trust: RestoreResult = { tokensChecked: 0, tokensRestored: 0 };
  let drift: DriftResult = { driftChecked: 0, driftRepaired: 0, driftFailed: 0 };
  try {
    aborted = await walkMaintenancePages(ctx, options, (p, inputs) => maintainParticipant(ctx, p, inputs, dryRun, counts, onStatusChange, clients), recorder, onStatusChange);
    if (!dryRun && !aborted) {
      // Issue 15: give back the status of participants flagged by mistake, then read confirmed days back (drift repair).
      const passes = { signal: options.signal, ...(options.participantIds ? { participantIds: options.participantIds } : {}) };
      trust = await restoreWorkingTokens(ctx, { ...passes, canRefresh: (backend) => clients.configured(backend, "restoreChecks") });
      drift = await repairDrift(ctx, { ...passes, canRead: (backend) => clients.configured(backend, "driftDays") });
    }
  } finally {
    quotaUsage.finish();
  }
  const quota = quotaUsage.finish();
  const tally = recorder.tally();
  const trackerNotConfigured = clients.missing();
  for (const missing of trackerNotConfigured) {
    const { message, participants, driftDays, restoreChecks } = missing;
    ctx.log.error(`tracker passes skipped: ${message}`, { participants, driftDays, restoreChecks });
  }
  return {
    job: "maintenance",
    ...finishTiming(startedAt, ctx.now(), aborted),
    ...counts,
    ...trust,
    ...drift,
    ...(trackerNotConfigured.length > 0 ? { trackerNotConfigured } : {}),
    ...(clients.nothingAttemptable() ? { trackerPassesSkipped: true as const } : {}),
    updated: recorder.count("updated"),
    skipped: recorder.count("skipped"),
    failed: tally.failed,
    failuresByCode: tally.failuresByCode,
    ...(quota ? { quota } : {}),
    participants: tally.participants,
  };
}

/** Without use for this long, an expired tracker token is refreshed once to exercise the grant (see trackerRefreshDue). */
const KEEP_ALIVE_MS = 86_400_000;

type Counts = { tokensRefreshed: number; tokensFailed: number; activitiesUpserted: number; activitiesRemoved: number; eventsUpserted: number; goalsSet: number };

async function maintainParticipant(
  ctx: PowerTokenContext,
  p: ParticipantRecord,
  inputs: MaintenanceInputs,
  dryRun: boolean,
  counts: Counts,
  onStatusChange: () => void,
  clients: TrackerClientTally,
): Promise<ParticipantOutcome> {
  const base = { participantId: p.id, name: p.name };
  const now = ctx.now();
  const weconnect = p.weconnect;
  const account = p.tracker;
  if (!weconnect || !account) return { ...base, outcome: "skipped", code: "INCOMPLETE" };
  // A flagged account's refresh token is known dead (invalid_grant) or useless: sending it every
  // hour only earns the same refusal. New consent clears the flag; restoreWorkingTokens alone
  // retries a flag whose reason proves nothing about the grant.
  const flag = inputs.trackerFlags.get(account.accountKey);
  if (flag !== undefined) {
    return { ...base, outcome: "skipped", code: "TRACKER_CONSENT_REQUIRED", message: `The ${account.backend} account is ${flag}: the participant must give tracker consent again; maintenance does not send its refresh token.` };
  }

  // WEconnect tokens cannot be refreshed: an expired one needs the participant to sign in again.
  const weconnectExpired = weconnect.expiresAt !== null && weconnect.expiresAt.getTime() <= now.getTime();
  // Opened here, before anything is in flight: a cell that does not decrypt fails this participant alone.
  const session = weconnectExpired ? undefined : { personId: weconnect.personId, token: weconnect.token };

  // Tracker token: refreshed only when it runs out before a poll could use it, or has been idle
  // long enough to need exercising (trackerRefreshDue); the refresh and the WEconnect reads are
  // independent, so they run side by side (issue 17).
  // Without the backend's client, refresh and goal are skipped (the tally reports it once for the
  // run); the WEconnect sync below needs no tracker and still runs.
  const manager = clients.configured(account.backend, "participants") ? ctx.tokenManagers[account.backend] : undefined;
  const expiresAt = inputs.trackerExpiresAt.get(account.accountKey);
  const due = expiresAt === undefined || trackerRefreshDue(expiresAt, now, { refreshAheadMs: ctx.settings.refreshAheadMs, keepAliveMs: KEEP_ALIVE_MS });
  const refresh = manager && !dryRun && due ? manager.refreshNow(account.accountKey) : undefined;

  if (!session) {
    const refreshFailure = await settleRefresh(refresh, counts);
    if (refreshFailure !== undefined) return recordFailure(ctx, p, "maintenance", refreshFailure.error, onStatusChange);
    counts.tokensFailed += 1;
    if (!dryRun && p.status !== "needs-weconnect-signin" && (await ctx.data.setStatus(p.id, "needs-weconnect-signin", "WEconnect token expired", now))) onStatusChange();
    return { ...base, outcome: "failed", code: "WECONNECT_TOKEN_EXPIRED", message: "The WEconnect token has expired; the participant must sign in again." };
  }
  const localDate = localDateOf(now, p.timeZone);
  // Both WEconnect reads are needed: listActivities is the only way to see edited and deleted
  // activities (and doubles as the token check), the day's list the only way to see its check-ins.
  const reads = Promise.all([ctx.weconnect.listActivities(session), ctx.weconnect.listActivitiesWithEvents(session, localDayWindow(p.timeZone, localDate))]);
  const [refreshFailure, readResult] = await Promise.all([settleRefresh(refresh, counts), reads.then((value) => ({ value }), (error: unknown) => ({ error }))]);
  if (refreshFailure !== undefined) return recordFailure(ctx, p, "maintenance", refreshFailure.error, onStatusChange);
  if ("error" in readResult) throw readResult.error;
  const [remote, today] = readResult.value;

  const changes = diffActivities(remote, inputs.activities.get(p.id) ?? []);
  const events = storedEventsOf(today);
  // Unchanged activities and events write nothing: no statement, no empty transaction (issue 17).
  const activitiesChanged = changes.upsert.length > 0 || changes.removeIds.length > 0;
  const dayChanged = !inputs.withDay.has(p.id) || !eventsAlreadyStored(events, inputs.todayEvents.get(p.id) ?? []);
  counts.activitiesUpserted += changes.upsert.length;
  counts.activitiesRemoved += changes.removeIds.length;
  if (dayChanged) counts.eventsUpserted += events.length;
  if (dryRun) return { ...base, outcome: "skipped", code: "DRY_RUN", message: `${changes.upsert.length} to upsert, ${changes.removeIds.length} to remove` };

  if (activitiesChanged) await ctx.data.syncActivities({ participantId: p.id, upsert: changes.upsert, removeIds: changes.removeIds, at: now });
  if (dayChanged) {
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
  }
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

/** Wait for a tracker refresh (if one was started) and count it; returns its error instead of throwing. */
async function settleRefresh(refresh: Promise<{ refreshed: boolean }> | undefined, counts: Counts): Promise<{ error: unknown } | undefined> {
  if (!refresh) return undefined;
  try {
    if ((await refresh).refreshed) counts.tokensRefreshed += 1;
    return undefined;
  } catch (error) {
    counts.tokensFailed += 1;
    return { error };
  }
}
