import pLimit from "p-limit";
import { localDateOf } from "@powertoken/weconnect";
import type { ParticipantRecord } from "../data/core-data.js";
import type { DriftDay } from "../data/trust-data.js";
import type { DayLedger } from "../poll/decide-write.js";
import { dayNeedsWrite } from "../poll/decide-write.js";
import { previousDate } from "../poll/local-dates.js";
import { knownEntryFor, writeDay } from "../poll/write-day.js";
import { classifyError } from "../run/classify-error.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { describeDrift } from "./describe-drift.js";

/** What {@link repairDrift} did. */
export interface DriftResult {
  /** Days this run tried to read back from the tracker (failed ones included). */
  driftChecked: number;
  /** Days that differed and were written again. */
  driftRepaired: number;
  /** Days whose read-back or rewrite failed (tried again after the cadence). */
  driftFailed: number;
}

/** Options of {@link repairDrift}. */
export interface RepairDriftOptions {
  /** Only these participants (maintenance's `participantIds`). */
  participantIds?: readonly number[];
  signal?: AbortSignal;
}

const HOUR_MS = 3_600_000;

/**
 * Drift repair (issue 15 item 3): the ledger says what the tracker confirmed, but a participant
 * can delete or edit PowerToken's entry in their app afterwards, and later polls would call the
 * day "unchanged" for ever. So each confirmed day of today and yesterday (in the participant's
 * zone) is read back at most once per `settings.driftCheckHours` (0: off), for at most
 * `settings.driftBudget` participants per run, least recently checked first, selected in SQL.
 * When the tracker shows something else (entry gone, other value or label), the confirmed value
 * is written again through the poll's own write step (intent, write, confirmation with its
 * audit row) and a `drift-repaired` audit row says what was found. Unchanged days cost one read
 * and no write. Days with a write still pending are the poll's, and are left out.
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

  const chosen: DriftDay[] = [];
  const participants = new Set<number>();
  for (const day of rows) {
    if (wanted && !wanted.has(day.participantId)) continue;
    const today = localDateOf(now, day.timeZone);
    if (day.localDate !== today && day.localDate !== previousDate(today)) continue;
    if (dayNeedsWrite(ledgerOf(day))) continue;
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

/** The write ledger of a confirmed day, as the poll's write step reads it. */
function ledgerOf(day: DriftDay): DayLedger {
  return {
    desiredSteps: day.desiredSteps,
    desiredLabel: day.desiredLabel,
    confirmedSteps: day.confirmedSteps,
    confirmedLabel: day.confirmedLabel,
    entryId: day.entryId,
    entryBackend: day.entryBackend,
    nothingShown: day.confirmedSteps === 0 && day.entryId === null,
    pending: false,
  };
}

/** Read one day back and rewrite it when it drifted; records the check; never throws. */
async function checkDay(ctx: PowerTokenContext, day: DriftDay): Promise<"ok" | "repaired" | "failed"> {
  const { participantId, localDate } = day;
  const tracker = ctx.trackers[day.tracker.backend];
  let found: number | null = null;
  try {
    if (!tracker) throw new Error(`No ${day.tracker.backend} tracker is configured.`);
    const ledger = ledgerOf(day);
    const shown = await tracker.readDay({ accountKey: day.tracker.accountKey, date: localDate, timeZone: day.timeZone, ...knownEntryFor(ledger, tracker.backend) });
    found = shown?.steps ?? null;
    const drift = describeDrift(ledger, shown);
    if (drift === null) {
      await ctx.data.recordDriftCheck({ participantId, localDate, outcome: "ok", foundSteps: found, now: ctx.now() });
      return "ok";
    }
    const steps = day.confirmedSteps;
    const written = await writeDay(ctx, {
      participant: participantOf(day),
      accountKey: day.tracker.accountKey,
      backend: tracker.backend,
      localDate,
      day: { steps, label: day.confirmedLabel ?? "", dailyProgress: day.dailyProgress, weeklyProgress: day.weeklyProgress },
      ledger,
      at: ctx.now(),
    });
    const what = written === "unconfirmed" ? "rewrote it, unconfirmed: the day stays pending for the poll" : `wrote ${steps} steps again`;
    await ctx.data.appendAudit({
      at: ctx.now(),
      participantId,
      participantName: day.participantName,
      action: "drift-repaired",
      outcome: written === "unconfirmed" ? "skipped" : "ok",
      localDate,
      steps,
      backend: tracker.backend,
      detail: `drift repaired: ${drift}; ${what}`,
    });
    await ctx.data.recordDriftCheck({ participantId, localDate, outcome: "repaired", foundSteps: found, now: ctx.now() });
    ctx.log.info("drift repaired", { participantId, localDate, found, steps });
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

/** What the write step needs of the participant (it reads the id, name and zone). */
function participantOf(day: DriftDay): ParticipantRecord {
  return {
    id: day.participantId,
    name: day.participantName,
    timeZone: day.timeZone,
    status: "active",
    mapping: day.mapping,
    goalSteps: day.goalSteps,
    stepsPerUnit: day.stepsPerUnit,
    createdAt: day.createdAt,
    weconnect: null,
    tracker: day.tracker,
  };
}
