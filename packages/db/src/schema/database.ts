import type { ActivitiesTable } from "./activities.js";
import type { AuditLogTable } from "./audit-log.js";
import type { DaysTable } from "./days.js";
import type { ErrorsTable } from "./errors.js";
import type { EventsTable } from "./events.js";
import type { LeasesTable } from "./leases.js";
import type { ParticipantsTable } from "./participants.js";
import type { TrackerAccountsTable } from "./tracker-accounts.js";
import type { WeconnectAccountsTable } from "./weconnect-accounts.js";

/** Every table, by its SQL name: `Kysely<Database>`. */
export interface Database {
  participants: ParticipantsTable;
  weconnect_accounts: WeconnectAccountsTable;
  tracker_accounts: TrackerAccountsTable;
  activities: ActivitiesTable;
  events: EventsTable;
  days: DaysTable;
  audit_log: AuditLogTable;
  errors: ErrorsTable;
  leases: LeasesTable;
}
