import { localDateOf, localDayWindow, localWeekWindow, type ActivityWithEvents, type Progress } from "@powertoken/weconnect";
import type { DayCounts, ParticipantRecord, StoredActivity, StoredEvent } from "../data/core-data.js";
import { eventsAlreadyStored } from "../maintenance/same-events.js";
import { DEFAULT_ACTIVITY_WEIGHT, storedActivityOf, storedEventsOf } from "../data/weconnect-to-stored.js";
import { computeSteps, type ScoredEvent } from "../mapping/compute-steps.js";
import { formatLabel } from "../mapping/format-label.js";
import type { ParticipantOutcome } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { decideWrite, type DayLedger } from "./decide-write.js";
import { previousDate } from "./local-dates.js";
import { settlePastDays, withSettledDays } from "./settle-past-days.js";
import { writeDay } from "./write-day.js";

/** Options of {@link pollParticipant}. */
export interface PollParticipantOptions {
  /** Compute and report; store and write nothing. */
  dryRun: boolean;
  /**
   * What runPoll read for the participant's whole page in a few queries: their stored activities
   * and, for `localDate`, charge's carried points. Used only while the participant's local date
   * is still `localDate` (a page read before midnight is read again per participant after it).
   */
  preloaded?: PreloadedDay;
}

/** The stored facts of a poll read per page rather than per participant (see {@link PollParticipantOptions}). */
export interface PreloadedDay {
  localDate: string;
  stored: StoredActivity[];
  /** Yesterday's points; 0 for the mappings other than charge. */
  carriedPoints: number;
  /** Today's stored counts and events when the day has a row: an identical day is only touched, not saved again. */
  today?: { counts: DayCounts; events: StoredEvent[] };
  /** Dates whose write is not confirmed (the selection's): past ones are settled before today. */
  pendingDates?: readonly string[];
}

/** What the read step gathers for one participant's local day. */
interface DayInputs {
  activities: ActivityWithEvents[];
  week: Progress;
  stored: StoredActivity[];
  /** Yesterday's points (charge's carry-over); 0 for the other mappings. */
  carriedPoints: number;
}

/** What the compute step derives: the value to show and what to store. */
interface ComputedDay {
  steps: number;
  label: string;
  planned: number;
  checkedIn: number;
  dailyProgress: number;
  weeklyProgress: number;
  events: StoredEvent[];
  /** Activities WEconnect lists today that PowerToken has not stored yet. */
  newActivities: StoredActivity[];
}

/**
 * Poll one participant in four steps: read the local day (activities-with-events) and week
 * (progress) from WEconnect, compute the mapping, persist the day, and write the tracker only
 * when the ledger has not confirmed that exact value. The intent is recorded (pending) before the
 * tracker call and confirmed with its audit row in one transaction after it, so a crash in
 * between is repaired by the next poll. Throws the upstream error; the caller records it.
 */
export async function pollParticipant(ctx: PowerTokenContext, participant: ParticipantRecord, options: PollParticipantOptions): Promise<ParticipantOutcome> {
  const base = { participantId: participant.id, name: participant.name };
  const tracker = participant.tracker ? ctx.trackers[participant.tracker.backend] : undefined;
  if (!participant.weconnect || !participant.tracker || !tracker) {
    return { ...base, outcome: "skipped", code: "INCOMPLETE", message: "No WEconnect link or no configured tracker." };
  }
  const now = ctx.now();
  const localDate = localDateOf(now, participant.timeZone);
  // Past dates left pending first (then today): the poll is the only job that writes a day.
  const settled = options.dryRun ? [] : await settlePastDays(ctx, { participant, tracker: participant.tracker, today: localDate, pendingDates: options.preloaded?.pendingDates ?? [] });
  const preloaded = options.preloaded?.localDate === localDate ? options.preloaded : undefined;
  const inputs = await readDay(ctx, { participant, weconnect: participant.weconnect, localDate, preloaded });
  const day = computeDay(participant, inputs);

  if (options.dryRun) {
    const decision = decideWrite(await ctx.data.getDay(participant.id, localDate), day);
    return { ...base, outcome: "skipped", code: "DRY_RUN", message: decision.action === "write" ? `would write (${decision.reason})` : "would leave unchanged", steps: day.steps };
  }

  // The common poll finds the day exactly as stored: one UPDATE of `updated_at` (the catch-up
  // rule's "last polled") instead of the snapshot's transaction.
  const touched = preloaded?.today && sameAsStored(day, preloaded.today) ? await ctx.data.touchDay(participant.id, localDate, now) : null;
  const ledger = touched ?? (await persistDay(ctx, { participantId: participant.id, localDate, day, at: now }));
  const decision = decideWrite(ledger, day);
  if (decision.action === "unchanged") return withSettledDays({ ...base, outcome: "unchanged", steps: day.steps }, settled);
  const written = await writeDay(ctx, { participant, accountKey: participant.tracker.accountKey, backend: tracker.backend, localDate, day, ledger, at: now });
  const message = written === "written" ? decision.reason : written === "reconciled" ? "reconcile: the tracker already showed it" : `${decision.reason}, unconfirmed: checked again next poll`;
  return withSettledDays({ ...base, outcome: "written", steps: day.steps, message }, settled);
}

/** Read: today's activities with their events and the week's progress from WEconnect, the stored activities, charge's carry-over. */
async function readDay(
  ctx: PowerTokenContext,
  input: { participant: ParticipantRecord; weconnect: NonNullable<ParticipantRecord["weconnect"]>; localDate: string; preloaded: PreloadedDay | undefined },
): Promise<DayInputs> {
  const { participant, localDate, preloaded } = input;
  const session = { personId: input.weconnect.personId, token: input.weconnect.token };
  const [activities, week, stored] = await Promise.all([
    ctx.weconnect.listActivitiesWithEvents(session, localDayWindow(participant.timeZone, localDate)),
    ctx.weconnect.getProgress(session, localWeekWindow(participant.timeZone, localDate)),
    preloaded ? preloaded.stored : ctx.data.listActivities(participant.id),
  ]);
  if (preloaded) return { activities, week, stored, carriedPoints: preloaded.carriedPoints };
  const carriedPoints = participant.mapping === "charge" ? await ctx.data.dayPoints(participant.id, previousDate(localDate)) : 0;
  return { activities, week, stored, carriedPoints };
}

/** Compute: the mapping's steps and label, the progress figures, and what to store. Pure. */
function computeDay(participant: ParticipantRecord, inputs: DayInputs): ComputedDay {
  const weights = new Map(inputs.stored.map((a) => [a.activityId, a.weight]));
  const events = storedEventsOf(inputs.activities);
  const scored: ScoredEvent[] = events.map((e) => ({ eventId: e.eventId, activityId: e.activityId, weight: weights.get(e.activityId) ?? DEFAULT_ACTIVITY_WEIGHT, checkedIn: e.checkedIn }));
  const computed = computeSteps({
    mapping: participant.mapping,
    events: scored,
    carriedPoints: inputs.carriedPoints,
    settings: {
      seedGoalSteps: participant.goalSteps,
      scaleSteps: participant.goalSteps,
      tallyStepsPerCheckin: participant.stepsPerUnit,
      chargeStepsPerPoint: participant.stepsPerUnit,
    },
  });
  const known = new Set(inputs.stored.map((a) => a.activityId));
  return {
    steps: computed.steps,
    label: formatLabel(computed),
    planned: computed.planned,
    checkedIn: computed.checkedIn,
    dailyProgress: computed.planned === 0 ? 0 : computed.checkedIn / computed.planned,
    weeklyProgress: inputs.week.total === 0 ? 0 : Math.min(1, inputs.week.completed / inputs.week.total),
    events,
    // An activity added in WEconnect today counts at once, not after the next maintenance (docs/original-system.md#bug-11-only-the-first-event).
    newActivities: inputs.activities.filter((a) => !known.has(a.activityId)).map((a) => storedActivityOf(a)),
  };
}

/** True when saving `day` would change nothing stored but `updated_at`: same counts and progress, its events stored as they are, no new activity. */
function sameAsStored(day: ComputedDay, stored: { counts: DayCounts; events: StoredEvent[] }): boolean {
  const c = stored.counts;
  return (
    day.newActivities.length === 0 &&
    c.plannedCount === day.planned &&
    c.completedCount === day.checkedIn &&
    c.dailyProgress === day.dailyProgress &&
    c.weeklyProgress === day.weeklyProgress &&
    eventsAlreadyStored(day.events, stored.events)
  );
}

/** Persist: the day's counts, progress, events and new activities, in one transaction; returns the write ledger. */
function persistDay(ctx: PowerTokenContext, input: { participantId: number; localDate: string; day: ComputedDay; at: Date }): Promise<DayLedger> {
  const { day } = input;
  return ctx.data.saveDaySnapshot({
    participantId: input.participantId,
    localDate: input.localDate,
    newActivities: day.newActivities,
    events: day.events,
    plannedCount: day.planned,
    completedCount: day.checkedIn,
    dailyProgress: day.dailyProgress,
    weeklyProgress: day.weeklyProgress,
    at: input.at,
  });
}
