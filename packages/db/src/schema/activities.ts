import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** `activities`: a participant's WEconnect activity, unique per (participant, WEconnect id). */
export interface ActivitiesTable {
  id: Generated<number>;
  participant_id: number;
  /** WEconnect `activityId`, as text; unique only within one participant. */
  weconnect_activity_id: string;
  name: string;
  /** First occurrence start (instant). */
  starts_at: string;
  duration_minutes: number;
  /** `never`, `daily`, `weekly`, or another WEconnect value, kept verbatim. */
  repeat: string;
  repeat_ends_at: string | null;
  /** WEconnect `dateModified`. */
  modified_at: string;
  /** Participant-chosen importance 1..5 (default 3); never overwritten by a sync. */
  weight: number;
  /** When the activity stops occurring; null = open-ended. */
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type ActivityRow = Selectable<ActivitiesTable>;
export type NewActivityRow = Insertable<ActivitiesTable>;
export type ActivityRowUpdate = Updateable<ActivitiesTable>;
