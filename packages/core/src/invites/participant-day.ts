import { findParticipantById, getDay, listEvents } from "@powertoken/db";
import { CoreError } from "../errors.js";
import type { InviteRuntime } from "./invite-runtime.js";

/** One planned activity of the day, as the participant's status page shows it. */
export interface PlannedEvent {
  name: string;
  startsAt: Date;
  endsAt: Date;
  checkedIn: boolean;
}

/** Today for one participant: what their tracker shows and what they planned. */
export interface ParticipantDay {
  /** The participant's local date, `YYYY-MM-DD`. */
  localDate: string;
  timeZone: string;
  /** The steps PowerToken's entry shows on the tracker (null before the first write). */
  trackerSteps: number | null;
  /**
   * The tracker confirmed it shows no PowerToken entry today (Google Health shows 0 steps as no
   * exercise at all): say "nothing yet" rather than "0 steps".
   */
  trackerShowsNothing: boolean;
  events: PlannedEvent[];
}

/** The participant's local calendar date at `at`. */
export function localDateIn(timeZone: string, at: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/**
 * Today's tracker value and planned activities of one participant, from the database (run a
 * poll first for fresh figures). Holds no one else's data and nothing beyond activity names.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 */
export async function describeParticipantDay(runtime: Pick<InviteRuntime, "db" | "ctx">, participantId: number): Promise<ParticipantDay> {
  const participant = await findParticipantById(runtime.db.db, participantId);
  if (!participant) throw new CoreError("PARTICIPANT_NOT_FOUND", `No participant with id ${participantId}.`);
  const localDate = localDateIn(participant.timeZone, runtime.ctx.now());
  const day = await getDay(runtime.db.db, participant.id, localDate);
  const events = await listEvents(runtime.db.db, { participantId: participant.id, localDate });
  return {
    localDate,
    timeZone: participant.timeZone,
    trackerSteps: day?.confirmedSteps ?? null,
    trackerShowsNothing: day?.nothingShown ?? false,
    events: events.map((e) => ({ name: e.activityName, startsAt: e.startsAt, endsAt: e.endsAt, checkedIn: e.checkedIn })),
  };
}
