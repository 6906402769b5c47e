import type { Migration } from "kysely";
import { createTables } from "./2026_11_25_001_create_tables.js";
import { addLeasesAndIndexes } from "./2026_11_25_002_add_leases_and_indexes.js";
import { dropInstanceLocks } from "./2026_11_30_010_drop_instance_locks.js";
import { addInvites } from "./2026_11_30_020_invites.js";
import { createTrackerRefreshLocks } from "./2026_11_30_030_create_tracker_refresh_locks.js";
import { addDashboard } from "./2026_11_30_040_dashboard.js";
import { addParticipantPaused } from "./2026_11_30_060_participant_paused.js";
import { addDriftAndTokenChecks } from "./2026_11_30_070_drift_and_token_checks.js";
import { addRateLimits } from "./2026_11_30_080_rate_limits.js";
import { addJobRunAborted } from "./2026_11_30_090_job_run_aborted.js";

// One object, not a folder read at run time: a bundled package has no migrations folder.
// Names sort in the order they must run; never rename or edit one that has shipped.
export const migrations: Record<string, Migration> = {
  "2026_11_25_001_create_tables": createTables,
  "2026_11_25_002_add_leases_and_indexes": addLeasesAndIndexes,
  "2026_11_30_010_drop_instance_locks": dropInstanceLocks,
  "2026_11_30_020_invites": addInvites,
  "2026_11_30_030_create_tracker_refresh_locks": createTrackerRefreshLocks,
  "2026_11_30_040_dashboard": addDashboard,
  "2026_11_30_060_participant_paused": addParticipantPaused,
  "2026_11_30_070_drift_and_token_checks": addDriftAndTokenChecks,
  "2026_11_30_080_rate_limits": addRateLimits,
  "2026_11_30_090_job_run_aborted": addJobRunAborted,
};
