import type { Generated, Insertable, Selectable, Updateable } from "kysely";
import type { TrackerBackend } from "./tracker-accounts.js";

/** `pending`: a write was intended (and may have reached the tracker); `confirmed`: the tracker shows `confirmed_*`. */
export type DayWriteState = "pending" | "confirmed";

/**
 * `days`: per participant and local date, what PowerToken wants the tracker to show (`desired_*`),
 * what it last confirmed (`confirmed_*`) and the one tracker entry it owns that day (`entry_id`):
 * the idempotent write ledger.
 */
export interface DaysTable {
  id: Generated<number>;
  participant_id: number;
  local_date: string;
  planned_count: number;
  completed_count: number;
  daily_progress: number;
  weekly_progress: number;
  desired_steps: number | null;
  desired_label: string | null;
  confirmed_steps: number | null;
  confirmed_label: string | null;
  /** Backend of `entry_id`. */
  entry_backend: TrackerBackend | null;
  /** The tracker entry PowerToken owns for this day, or null when none. */
  entry_id: string | null;
  write_state: DayWriteState;
  /** When the current pending write was recorded. */
  pending_at: string | null;
  updated_at: string;
}

export type DayRow = Selectable<DaysTable>;
export type NewDayRow = Insertable<DaysTable>;
export type DayRowUpdate = Updateable<DaysTable>;
