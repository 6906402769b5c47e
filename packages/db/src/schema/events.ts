import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** `events`: one occurrence of an activity, unique per (activity row, occurrence id). */
export interface EventsTable {
  id: Generated<number>;
  participant_id: number;
  activity_id: number;
  /** WEconnect `eid`, as text. */
  occurrence_id: string;
  /** The participant-local date the occurrence falls on, `YYYY-MM-DD`. */
  local_date: string;
  starts_at: string;
  ends_at: string;
  /** 0/1. */
  checked_in: number;
  updated_at: string;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
export type EventRowUpdate = Updateable<EventsTable>;
