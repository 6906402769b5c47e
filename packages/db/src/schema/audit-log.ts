import type { Generated, Insertable, Selectable } from "kysely";
import type { TrackerBackend } from "./tracker-accounts.js";

/** What an audit row records. */
export type AuditAction = "tracker-write" | "tracker-clear" | "participant-removed" | "participant-paused" | "participant-resumed" | "maintenance" | "status-restored" | "drift-repaired" | "participant-settings-changed";

/** How it went. */
export type AuditOutcome = "ok" | "failed" | "skipped";

/**
 * `audit_log`: append-only; every tracker write and removal, and maintenance actions. It has no
 * foreign key, so a removed participant's history (and the removal itself) stays.
 */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  participant_id: number | null;
  /** The participant's name at the time, kept for after a removal. */
  participant_name: string | null;
  action: AuditAction;
  local_date: string | null;
  daily_progress: number | null;
  weekly_progress: number | null;
  steps: number | null;
  backend: TrackerBackend | null;
  entry_id: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
