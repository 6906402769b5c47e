import type { ParticipantRecord } from "../data/core-data.js";
import { classifyError } from "../run/classify-error.js";
import type { ParticipantOutcome } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { dayNeedsWrite } from "./decide-write.js";
import { previousDate } from "./local-dates.js";
import { writeDay, type WriteDayOutcome } from "./write-day.js";

/**
 * How many local dates before today the poll settles. A write left pending on a date that has
 * since become yesterday (a crash, an unconfirmed answer at 23:59) is only ever reached here: the
 * poll computes and writes today. The same window as the poll selection's day rows
 * (db-core-data's CANDIDATE_LOOKBACK_DAYS), so an older pending day no longer makes its
 * participant due, even when the tracker keeps refusing it.
 */
export const SETTLE_LOOKBACK_DAYS = 3;

/** A past date the poll settled, and how its write ended. */
export interface SettledDay {
  localDate: string;
  /** `failed`: the tracker refused this date; it stays pending and the error is recorded. */
  outcome: WriteDayOutcome | "failed";
}

/** The dates of `pendingDates` that the poll settles for a participant whose local date is `today`, oldest first. */
export function pastDatesToSettle(pendingDates: readonly string[], today: string): string[] {
  let oldest = today;
  for (let i = 0; i < SETTLE_LOOKBACK_DAYS; i += 1) oldest = previousDate(oldest);
  return [...new Set(pendingDates)].filter((date) => date < today && date >= oldest).sort();
}

/**
 * True when one of `pendingDates` still needs the poll: today's, or a past one it settles. A
 * pending date outside the window is left to the status report, so it cannot make its
 * participant due in every cycle.
 */
export function hasPendingToSettle(pendingDates: readonly string[], today: string): boolean {
  return pendingDates.includes(today) || pastDatesToSettle(pendingDates, today).length > 0;
}

/**
 * Settle the participant's past dates whose write is not confirmed: each one's stored desired
 * value goes through the poll's own write step ({@link writeDay}: read back a pending write,
 * else intent, tracker, confirm with its audit row). The value is the one computed on that day;
 * WEconnect is not read again for a date that is over. A date the tracker refuses stays pending
 * and its error is recorded, but it does not keep today from being written: a past date that fails
 * for three days must not cost three days of today. A failure that condemns the account (a dead
 * grant, a status change) is thrown, since today's write would meet it too; an unconfirmed answer
 * leaves the date pending.
 */
export async function settlePastDays(
  ctx: PowerTokenContext,
  input: { participant: ParticipantRecord; tracker: NonNullable<ParticipantRecord["tracker"]>; today: string; pendingDates: readonly string[] },
): Promise<SettledDay[]> {
  const settled: SettledDay[] = [];
  for (const localDate of pastDatesToSettle(input.pendingDates, input.today)) {
    // Read again: the page was read before this participant's turn, and a replica may have settled it.
    const stored = await ctx.data.getDayToSettle(input.participant.id, localDate);
    if (stored === null || !dayNeedsWrite(stored.ledger) || stored.ledger.desiredSteps === null) continue;
    try {
      const outcome = await writeDay(ctx, {
        participant: input.participant,
        accountKey: input.tracker.accountKey,
        backend: input.tracker.backend,
        localDate,
        day: { steps: stored.ledger.desiredSteps, label: stored.ledger.desiredLabel ?? "", dailyProgress: stored.dailyProgress, weeklyProgress: stored.weeklyProgress },
        ledger: stored.ledger,
        at: ctx.now(),
      });
      settled.push({ localDate, outcome });
    } catch (error) {
      const failure = classifyError(error);
      // Only the tracker's answers for that date are held back; a dead grant, a status change or a
      // database failure is about the whole participant and ends their poll as before.
      if (failure.origin !== "tracker" || failure.status !== undefined) throw error;
      await ctx.data.recordError({ at: ctx.now(), participantId: input.participant.id, origin: `poll:settle:${failure.origin}`, code: failure.code, message: `${localDate}: ${failure.message}` });
      settled.push({ localDate, outcome: "failed" });
    }
  }
  return settled;
}

/** Today's outcome with the past dates settled before it: a write on any date counts as written, and the message names them. */
export function withSettledDays(outcome: ParticipantOutcome, settled: readonly SettledDay[]): ParticipantOutcome {
  if (settled.length === 0 || (outcome.outcome !== "written" && outcome.outcome !== "unchanged")) return outcome;
  const note = `settled ${settled.map((s) => `${s.localDate} (${s.outcome})`).join(", ")}`;
  const message = outcome.message ? `${outcome.message}; ${note}` : note;
  const wrotePast = settled.some((s) => s.outcome !== "failed");
  return { ...outcome, outcome: wrotePast ? "written" : outcome.outcome, message };
}
