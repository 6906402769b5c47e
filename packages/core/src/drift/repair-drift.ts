import pLimit from "p-limit";
import type { TrackerBackend } from "@powertoken/fitbit";
import { localDateOf } from "@powertoken/weconnect";
import { toLedger } from "../data/day-ledger.js";
import type { DriftDay } from "../data/trust-data.js";
import type { DayLedger } from "../poll/decide-write.js";
import { dayNeedsWrite } from "../poll/decide-write.js";
import { previousDate } from "../poll/local-dates.js";
import { knownEntryFor } from "../poll/write-day.js";
import { classifyError } from "../run/classify-error.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { oauthClientNotConfigured } from "../runtime/oauth-provider-from-config.js";
import { describeDrift } from "./describe-drift.js";

/** What {@link repairDrift} did. */
export interface DriftResult {
  /** Days this run tried to read back from the tracker (failed ones included). */
  driftChecked: number;
  /** Days that differed, handed back to the poll (state `pending`) to be written again. */
  driftRepaired: number;
  /** Days whose read-back failed (tried again after the cadence). */
  driftFailed: number;
}

/** Options of {@link repairDrift}. */
export interface RepairDriftOptions {
  /** Only these participants (maintenance's `participantIds`). */
  participantIds?: readonly number[];
  signal?: AbortSignal;
  /**
   * Asked for each due day before it is claimed: may its backend be read? Maintenance passes its
   * tally (which also counts the day for the run's NOT_CONFIGURED report). @default whether
   * `ctx.trackers` holds the backend. A day refused here is neither read, claimed nor recorded,
   * so it is checked as soon as the client is configured again.
   */
  canRead?: (backend: TrackerBackend) => boolean;
}

const HOUR_MS = 3_600_000;

/**
 * Drift repair (issue 15 item 3): the ledger says what the tracker confirmed, but a participant
 * can delete or edit PowerToken's entry in their app afterwards, and later polls would call the
 * day "unchanged" for ever. So each confirmed day of today and yesterday (in the participant's
 * zone) is read back at most once per `settings.driftCheckHours` (0: off), for at most
 * `settings.driftBudget` participants per run, least recently checked first, selected in SQL.
 * When the tracker shows something else (entry gone, other value or label), the day goes back to
 * `pending` (only while its ledger is still what was compared: a poll's newer write wins) and a
 * `drift-repaired` audit row says what was found; the next poll, the one writer of trackers,
 * writes it again. Unchanged days cost one read and no write. Days with a write still pending
 * are the poll's, and are left out.
 */
export async function repairDrift(ctx: PowerTokenContext, options: RepairDriftOptions = {}): Promise<DriftResult> {
  const result: DriftResult = { driftChecked: 0, driftRepaired: 0, driftFailed: 0 };
  const hours = ctx.settings.driftCheckHours;
  const budget = ctx.settings.driftBudget;
  if (!(hours > 0) || !(budget > 0)) return result;
  const now = ctx.now();
  const checkedBefore = new Date(now.getTime() - hours * HOUR_MS);
  // Every zone's today and yesterday lie within UTC's date −2 … +1.
  const utcToday = now.toISOString().slice(0, 10);
  const fromDate = previousDate(previousDate(utcToday));
  const toDate = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const rows = await ctx.data.listDriftDays({ fromDate, toDate, checkedBefore, limit: budget * 4 });
  const wanted = options.participantIds ? new Set(options.participantIds) : undefined;
  const canRead = options.canRead ?? ((backend: TrackerBackend) => ctx.trackers[backend] !== undefined);

  const chosen: DriftDay[] = [];
  const participants = new Set<number>();
  for (const day of rows) {
    if (wanted && !wanted.has(day.participantId)) continue;
    const today = localDateOf(now, day.timeZone);
    if (day.localDate !== today && day.localDate !== previousDate(today)) continue;
    if (dayNeedsWrite(ledgerOf(day))) continue;
    // Without its OAuth client the backend cannot be read: reading would only fail, and the
    // failure used to be recorded per day as INTERNAL (a cron run without the client's settings).
    if (!canRead(day.tracker.backend)) continue;
    if (!participants.has(day.participantId)) {
      if (participants.size >= budget) continue;
      participants.add(day.participantId);
    }
    chosen.push(day);
  }
  if (chosen.length === 0) return result;
  const claimed = await ctx.data.claimDriftChecks({ items: chosen.map((d) => ({ participantId: d.participantId, localDate: d.localDate })), now, checkedBefore });
  const mine = new Set(claimed.map((c) => `${c.participantId}/${c.localDate}`));

  const limit = pLimit(Math.max(1, ctx.settings.concurrency));
  await Promise.all(
    chosen
      .filter((d) => mine.has(`${d.participantId}/${d.localDate}`))
      .map((day) =>
        limit(async () => {
          if (options.signal?.aborted) return;
          const outcome = await checkDay(ctx, day);
          result.driftChecked += 1;
          if (outcome === "repaired") result.driftRepaired += 1;
          if (outcome === "failed") result.driftFailed += 1;
        }),
      ),
  );
  return result;
}

/** The write ledger of a drift candidate: a confirmed day. */
const ledgerOf = (day: DriftDay): DayLedger => toLedger({ ...day, writeState: "confirmed" });


/** Read one day back and rewrite it when it drifted; records the check; never throws. */
async function checkDay(ctx: PowerTokenContext, day: DriftDay): Promise<"ok" | "repaired" | "failed"> {
  const { participantId, localDate } = day;
  const tracker = ctx.trackers[day.tracker.backend];
  let found: number | null = null;
  try {
    // Days of unconfigured backends are left out above; should one get here, it is the typed configuration error, not INTERNAL.
    if (!tracker) throw oauthClientNotConfigured(day.tracker.backend);
    const ledger = ledgerOf(day);
    const shown = await tracker.readDay({ accountKey: day.tracker.accountKey, date: localDate, timeZone: day.timeZone, ...knownEntryFor(ledger, tracker.backend) });
    found = shown?.steps ?? null;
    const drift = describeDrift(ledger, shown);
    if (drift === null) {
      await ctx.data.recordDriftCheck({ participantId, localDate, outcome: "ok", foundSteps: found, now: ctx.now() });
      return "ok";
    }
    // The poll is the one writer of trackers: a rewrite from here could race a poll writing a
    // newer value for the same day (seen with replicas: the read-back showed the poll's fresh
    // write, and the "repair" put the old value back). So the day goes back to `pending`, guarded
    // on the ledger this check compared with, and the next poll writes it through its own step.
    const steps = day.confirmedSteps;
    const reopened = await ctx.data.reopenDriftedDay({
      participantId,
      localDate,
      expected: { desiredSteps: day.desiredSteps, desiredLabel: day.desiredLabel, confirmedSteps: steps, confirmedLabel: day.confirmedLabel, entryId: day.entryId },
      now: ctx.now(),
    });
    if (!reopened) {
      // A poll wrote or began a write since the day was selected: what the tracker showed is
      // (or is about to be) that write, and the poll confirms it; nothing drifted.
      await ctx.data.recordDriftCheck({ participantId, localDate, outcome: "ok", foundSteps: found, now: ctx.now() });
      ctx.log.debug("drift check superseded by a poll's write", { participantId, localDate });
      return "ok";
    }
    await ctx.data.appendAudit({
      at: ctx.now(),
      participantId,
      participantName: day.participantName,
      action: "drift-repaired",
      outcome: "ok",
      localDate,
      steps,
      backend: tracker.backend,
      detail: `drift repaired: ${drift}; the day is pending again and the next poll writes ${steps} steps`,
    });
    await ctx.data.recordDriftCheck({ participantId, localDate, outcome: "repaired", foundSteps: found, now: ctx.now() });
    ctx.log.info("drift found; the day is pending for the poll", { participantId, localDate, found, steps });
    return "repaired";
  } catch (error) {
    const failure = classifyError(error);
    // No status change here: the participant's own maintenance and poll apply the token rules.
    ctx.log.warn("drift check failed", { participantId, localDate, code: failure.code });
    await ctx.data.recordError({ at: ctx.now(), participantId, origin: `maintenance:drift:${failure.origin}`, code: failure.code, message: failure.message }).catch(() => undefined);
    await ctx.data.recordDriftCheck({ participantId, localDate, outcome: "failed", foundSteps: found, now: ctx.now() }).catch(() => undefined);
    return "failed";
  }
}
