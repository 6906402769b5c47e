import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * Where a participant stands: `active` is synced; the `needs-*` states wait for the participant
 * or staff (WEconnect sign-in, tracker consent, moving from the retired legacy Fitbit API to
 * Google Health); `ended` is past enrollment.
 */
export type ParticipantStatus =
  | "active"
  | "needs-weconnect-signin"
  | "needs-tracker-consent"
  | "needs-google-health"
  | "ended";

/** How check-in progress becomes a step count (see the original system's metaphors, docs/original-system.md#era-e-metaphors). */
export type ProgressMapping = "seed" | "plan" | "weight" | "tally" | "charge";

/** `participants`: one row per study participant. */
export interface ParticipantsTable {
  id: Generated<number>;
  /** Study-facing name given by the researchers; unique. */
  name: string;
  /** IANA zone, e.g. `America/Chicago`; every local date of this participant is in it. */
  time_zone: string;
  /** First local date of enrollment, `YYYY-MM-DD`. */
  enrollment_start: string;
  /** Last local date of enrollment, `YYYY-MM-DD`, or null while open-ended. */
  enrollment_end: string | null;
  status: ParticipantStatus;
  mapping: ProgressMapping;
  /** Steps shown at 100 % progress (plan, weight, seed). */
  goal_steps: number;
  /** Steps per check-in (tally) or per weight point (charge). */
  steps_per_unit: number;
  /** When staff paused the participant (ISO); null while not paused. A paused participant keeps their status but is neither polled nor maintained. */
  paused_at: string | null;
  created_at: string;
  updated_at: string;
}

export type ParticipantRow = Selectable<ParticipantsTable>;
export type NewParticipantRow = Insertable<ParticipantsTable>;
export type ParticipantRowUpdate = Updateable<ParticipantsTable>;
