import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** The two tracker backends (the same union as `@powertoken/fitbit`'s `TrackerBackend`). */
export type TrackerBackend = "google-health" | "fitbit-legacy";

/** `active`; `reauth-required` (invalid_grant, revoked); `api-gone` (legacy Fitbit API switched off). */
export type TrackerAccountStatus = "active" | "reauth-required" | "api-gone";

/** `tracker_accounts`: one per participant and backend. */
export interface TrackerAccountsTable {
  id: Generated<number>;
  participant_id: number;
  backend: TrackerBackend;
  external_user_id: string | null;
  /** Encrypted like `weconnect_accounts.access_token`. */
  access_token: string;
  /** Encrypted; null when the grant has none. */
  refresh_token: string | null;
  expires_at: string;
  /** Granted scopes, space-separated. */
  scopes: string;
  /** Compare-and-swap counter, bumped by every token save. */
  version: number;
  status: TrackerAccountStatus;
  /** Why the status is not `active` (our words, never an upstream body). */
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}

export type TrackerAccountRow = Selectable<TrackerAccountsTable>;
export type NewTrackerAccountRow = Insertable<TrackerAccountsTable>;
export type TrackerAccountRowUpdate = Updateable<TrackerAccountsTable>;
