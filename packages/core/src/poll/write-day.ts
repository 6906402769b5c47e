import type { DayEntry, ShowDayInput, Tracker, TrackerBackend } from "@powertoken/fitbit";
import type { ParticipantRecord } from "../data/core-data.js";
import type { PowerTokenContext } from "../runtime/context.js";
import type { DayLedger } from "./decide-write.js";

/** The day's values the write step needs (a subset of what the poll computed). */
export interface DayToWrite {
  steps: number;
  label: string;
  dailyProgress: number;
  weeklyProgress: number;
}

/** What {@link writeDay} takes. */
export interface WriteDayInput {
  participant: ParticipantRecord;
  accountKey: string;
  backend: TrackerBackend;
  localDate: string;
  day: DayToWrite;
  /** The ledger as read before this write (its entry id and the backend that id came from). */
  ledger: DayLedger;
  at: Date;
}

/** How the write step ended: confirmed by a write, confirmed by reading back a pending one, or left pending. */
export type WriteDayOutcome = "written" | "reconciled" | "unconfirmed";

/**
 * The entry id the ledger may pass back to `backend`, with the backend it came from: an id
 * recorded for another backend (a legacy log id after the move to Google Health) is dropped, so
 * a write or `batchDelete` can only ever name an entry PowerToken created on this backend.
 */
export function knownEntryFor(ledger: Pick<DayLedger, "entryId" | "entryBackend">, backend: TrackerBackend): Pick<ShowDayInput, "knownEntryId" | "knownEntryBackend"> {
  if (ledger.entryId === null) return { knownEntryId: null, knownEntryBackend: null };
  const from = ledger.entryBackend ?? null;
  if (from !== null && from !== backend) return { knownEntryId: null, knownEntryBackend: null };
  return { knownEntryId: ledger.entryId, knownEntryBackend: from };
}

/**
 * Write: record the intent, show the day on the tracker, then confirm it with its audit row. A
 * pending write of this same value (an unconfirmed answer, or a crash after the call) is first
 * checked with a read: when the tracker already shows it, it is confirmed without writing again.
 */
export async function writeDay(ctx: PowerTokenContext, input: WriteDayInput): Promise<WriteDayOutcome> {
  const { participant, localDate, day, ledger } = input;
  const tracker = ctx.trackers[input.backend];
  if (!tracker) throw new Error(`No ${input.backend} tracker is configured.`);
  const known = knownEntryFor(ledger, input.backend);

  const seen = await readPendingWrite(tracker, input, known);
  if (seen !== null) {
    await confirm(ctx, input, { entryId: seen.entryId, backend: input.backend });
    return "reconciled";
  }

  await ctx.data.recordIntent({ participantId: participant.id, localDate, steps: day.steps, label: day.label, backend: input.backend, at: input.at });
  // Google Health entry ids are deterministic per account and day, and legacy finds and replaces
  // its own stale log, so repeating this call after a crash leaves exactly one entry.
  const shown = await tracker.showDay({ accountKey: input.accountKey, date: localDate, timeZone: participant.timeZone, steps: day.steps, label: day.label, ...known });
  // Sent but not confirmed (Google `done: false`, a create/patch race): the day stays pending and
  // the next poll reads it back before writing again (docs/google-health-api.md#operations).
  if (shown.state === "unconfirmed") return "unconfirmed";
  await ctx.hooks?.beforeRecordWrite?.({ participantId: participant.id, localDate, steps: shown.steps, entryId: shown.entryId });
  // `shown: null` confirmed = nothing shown (Google Health's 0): no entry id to remember. The id
  // the server answered is stored even when it differs from the one asked for, and used from then on.
  const nothingShown = shown.shown === null;
  await confirm(ctx, input, { entryId: nothingShown ? null : shown.entryId, backend: shown.entryBackend ?? input.backend });
  return "written";
}

/**
 * The entry, when the ledger holds a pending write of exactly this value and the tracker already
 * shows it; null when a write is needed. A 0 is not read back: on Google Health it means deleting,
 * which is as cheap as a read and settles it either way. Legacy reads null while a failed delete
 * left a second PowerToken log, so the write runs again and removes it (issue 15 item 3).
 */
async function readPendingWrite(tracker: Tracker, input: WriteDayInput, known: Pick<ShowDayInput, "knownEntryId" | "knownEntryBackend">): Promise<DayEntry | null> {
  const { ledger, day } = input;
  if (ledger.pending !== true || day.steps === 0 || ledger.desiredSteps !== day.steps || ledger.desiredLabel !== day.label) return null;
  const entry = await tracker.readDay({ accountKey: input.accountKey, date: input.localDate, timeZone: input.participant.timeZone, ...known });
  if (entry === null || entry.steps !== day.steps) return null;
  // Legacy logs carry no label; Google's must match, or the write is still needed.
  return entry.label === null || entry.label === day.label ? entry : null;
}

function confirm(ctx: PowerTokenContext, input: WriteDayInput, entry: { entryId: string | null; backend: TrackerBackend }): Promise<void> {
  return ctx.data.recordTrackerWrite({
    participantId: input.participant.id,
    participantName: input.participant.name,
    localDate: input.localDate,
    steps: input.day.steps,
    label: input.day.label,
    backend: entry.backend,
    entryId: entry.entryId,
    dailyProgress: input.day.dailyProgress,
    weeklyProgress: input.day.weeklyProgress,
    at: ctx.now(),
  });
}
