import { localDateOf, localDayWindow, localWeekWindow } from "@powertoken/weconnect";
import type { ParticipantRecord, StoredEvent } from "../data/core-data.js";
import { computeSteps, type DayEvent } from "../mapping/compute-steps.js";
import { formatLabel } from "../mapping/format-label.js";
import type { ParticipantOutcome } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { decideWrite } from "./decide-write.js";
import { previousDate } from "./local-dates.js";

/** Weight of an activity PowerToken has not stored yet (the 2019 default). */
const DEFAULT_WEIGHT = 3;

/**
 * Poll one participant: read the local day (activities-with-events) and week (progress) from
 * WEconnect, compute the mapping, and write the tracker only when the ledger has not confirmed
 * that exact value. The intent is recorded (pending) before the tracker call and confirmed with
 * its audit row in one transaction after it, so a crash in between is repaired by the next poll.
 * Throws the upstream error; the caller records it.
 */
export async function pollParticipant(
  ctx: PowerTokenContext,
  participant: ParticipantRecord,
  options: { dryRun: boolean },
): Promise<ParticipantOutcome> {
  const base = { participantId: participant.id, name: participant.name };
  const tracker = participant.tracker ? ctx.trackers[participant.tracker.backend] : undefined;
  if (!participant.weconnect || !participant.tracker || !tracker) {
    return { ...base, outcome: "skipped", code: "INCOMPLETE", message: "No WEconnect link or no configured tracker." };
  }
  const now = ctx.now();
  const timeZone = participant.timeZone;
  const localDate = localDateOf(now, timeZone);
  const session = { personId: participant.weconnect.personId, token: participant.weconnect.token };

  const [activities, week, stored] = await Promise.all([
    ctx.weconnect.listActivitiesWithEvents(session, localDayWindow(timeZone, localDate)),
    ctx.weconnect.getProgress(session, localWeekWindow(timeZone, localDate)),
    ctx.data.listActivities(participant.id),
  ]);
  const weights = new Map(stored.map((a) => [a.activityId, a.weight]));
  const events: StoredEvent[] = [];
  const dayEvents: DayEvent[] = [];
  // Every event of every activity counts (the 2019 code read only events[0], §9.11).
  for (const activity of activities) {
    for (const event of activity.events) {
      const start = event.dateStart;
      events.push({ eventId: event.eid, activityId: activity.activityId, start, end: new Date(start.getTime() + event.durationMinutes * 60_000), checkedIn: event.didCheckin });
      dayEvents.push({ eventId: event.eid, activityId: activity.activityId, weight: weights.get(activity.activityId) ?? DEFAULT_WEIGHT, checkedIn: event.didCheckin });
    }
  }
  const carriedPoints = participant.mapping === "charge" ? await ctx.data.dayPoints(participant.id, previousDate(localDate)) : 0;
  const computed = computeSteps({
    mapping: participant.mapping,
    events: dayEvents,
    carriedPoints,
    settings: {
      seedGoalSteps: participant.goalSteps,
      scaleSteps: participant.goalSteps,
      tallyStepsPerCheckin: participant.stepsPerUnit,
      chargeStepsPerPoint: participant.stepsPerUnit,
    },
  });
  const label = formatLabel(computed);
  const dailyProgress = computed.planned === 0 ? 0 : computed.checkedIn / computed.planned;
  const weeklyProgress = week.total === 0 ? 0 : Math.min(1, week.completed / week.total);

  if (options.dryRun) {
    const ledger = await ctx.data.getDay(participant.id, localDate);
    const decision = decideWrite(ledger, { steps: computed.steps, label });
    return { ...base, outcome: "skipped", code: "DRY_RUN", message: decision.action === "write" ? `would write (${decision.reason})` : "would leave unchanged", steps: computed.steps };
  }

  const known = new Set(stored.map((a) => a.activityId));
  const ledger = await ctx.data.saveDaySnapshot({
    participantId: participant.id,
    localDate,
    // An activity added in WEconnect today counts at once, not after the next maintenance (§9.11).
    newActivities: activities
      .filter((a) => !known.has(a.activityId))
      .map((a) => ({ activityId: a.activityId, name: a.name, dateStart: a.dateStart, durationMinutes: a.durationMinutes, repeat: a.repeat, repeatEnd: a.repeatEnd, modifiedAt: a.dateModified, weight: DEFAULT_WEIGHT })),
    events,
    plannedCount: computed.planned,
    completedCount: computed.checkedIn,
    dailyProgress,
    weeklyProgress,
    at: now,
  });
  const decision = decideWrite(ledger, { steps: computed.steps, label });
  if (decision.action === "unchanged") return { ...base, outcome: "unchanged", steps: computed.steps };

  await ctx.data.recordIntent({ participantId: participant.id, localDate, steps: computed.steps, label, backend: tracker.backend, at: now });
  // Google Health entry ids are deterministic per account and day, and legacy finds and replaces
  // its own stale log, so repeating this call after a crash leaves exactly one entry.
  const shown = await tracker.showDay({
    accountKey: participant.tracker.accountKey,
    date: localDate,
    timeZone,
    steps: computed.steps,
    label,
    knownEntryId: ledger?.entryId ?? null,
  });
  await ctx.hooks?.beforeRecordWrite?.({ participantId: participant.id, localDate, steps: shown.steps, entryId: shown.entryId });
  await ctx.data.recordTrackerWrite({
    participantId: participant.id,
    participantName: participant.name,
    localDate,
    steps: computed.steps,
    label,
    backend: tracker.backend,
    entryId: shown.entryId,
    dailyProgress,
    weeklyProgress,
    at: ctx.now(),
  });
  return { ...base, outcome: "written", steps: computed.steps, message: decision.reason };
}
