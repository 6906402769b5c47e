export { DbError, isDbError, type DbErrorCode } from "./errors.js";
export { openDatabase, checkWritable, checkIntegrity, busyErrorOf, type DatabaseHandle, type OpenDatabaseOptions } from "./open-database.js";
export { dbErrorOf, driverErrorCode } from "./driver-errors.js";
export { parseDatabaseUrl, type ParsedDatabaseUrl, type ParseDatabaseUrlOptions } from "./database-url.js";
export { redactUrl as redactDatabaseUrl } from "./_url.js";
export type { DialectName } from "./_dialect.js";
export { migrateToLatest, migrateTo, migrationStatus, migrationNames, type MigrationInfo, type MigrateResult } from "./migrate.js";
export { newerMigrations } from "./migrate.js";
export { parseEncryptionKey, generateEncryptionKey, type EncryptionKey, type EncryptionKeys } from "./encryption-keys.js";
export { rotateEncryptionKey, type RotateEncryptionKeyInput } from "./rotate-encryption-key.js";
export { checkStoredTokensDecrypt } from "./stored-key-check.js";

export {
  createParticipant,
  findParticipantById,
  findParticipantByName,
  listParticipants,
  updateParticipant,
  setParticipantPaused,
  PARTICIPANT_STATUSES,
  PROGRESS_MAPPINGS,
  type Participant,
  type CreateParticipantInput,
  type UpdateParticipantInput,
  type ListParticipantsFilter,
  type SetParticipantPausedResult,
} from "./participants.js";
export { insertParticipants, findTakenParticipantNames } from "./participants-bulk.js";
export { removeParticipant, listIncompleteParticipants, type RemoveParticipantInput } from "./participant-removal.js";
export { changeParticipantStatus, type ChangeParticipantStatusInput } from "./participant-status.js";
export { loadPollSelection, type LoadPollSelectionInput, type PollSelection } from "./poll-selection.js";
export { loadPollSelectionPage, type LoadPollSelectionPageInput } from "./poll-selection.js";
export { listTrackerAccountSummaries, type TrackerAccountSummary } from "./tracker-account-summaries.js";
export {
  saveWeconnectAccount,
  loadWeconnectAccount,
  loadWeconnectAccounts,
  setWeconnectAccountStatus,
  openWeconnectToken,
  type WeconnectAccount,
  type SaveWeconnectAccountInput,
} from "./weconnect-accounts.js";
export {
  saveTrackerAccount,
  findTrackerAccount,
  findTrackerAccountById,
  listTrackerAccounts,
  loadTrackerToken,
  saveTrackerToken,
  setTrackerAccountStatus,
  type TrackerAccount,
  type TrackerToken,
  type SaveTrackerAccountInput,
  type SaveTrackerTokenInput,
} from "./tracker-accounts.js";
export { claimRefreshLock, markRefreshInFlight, releaseRefreshLock, listOrphanedRefreshes, type RefreshLockClaim, type RefreshLockInput, type OrphanedRefresh, type TrackerRefreshLocksTable } from "./refresh-locks.js";
export { saveApiPause, saveParticipantRateLimit, loadRateLimits, type ApiPause, type ParticipantRateLimit, type RateLimits, type ApiPausesTable, type ParticipantRateLimitsTable } from "./rate-limits.js";
export {
  upsertActivities,
  listActivities,
  setActivityWeight,
  deleteExpiredActivities,
  deleteActivitiesNotIn,
  deleteActivities,
  type Activity,
  type ActivityInput,
} from "./activities.js";
export { upsertEvents, listEvents, type EventWithActivity, type EventInput, type ListEventsFilter } from "./events.js";
export { sumCheckedInWeights, listEventsOn, type ParticipantDate, type StoredOccurrence } from "./events.js";
export { markDaysPending, recordTrackerWrites, touchDay, touchDays } from "./days.js";
export {
  getDay,
  upsertDay,
  markDayPending,
  recordTrackerWrite,
  type Day,
  type UpsertDayInput,
  type MarkDayPendingInput,
  type RecordTrackerWriteInput,
} from "./days.js";
export { appendAudit, listAudit, type AuditEntry, type AppendAuditInput, type ListAuditFilter } from "./audit-log.js";
export { recordError, listErrors, type ErrorEntry, type RecordErrorInput, type ListErrorsFilter } from "./error-log.js";
export { claimLeases, renewLeases, releaseLeases, type LeaseBatchInput } from "./leases.js";

export type { Database } from "./schema/database.js";
export type { ParticipantsTable, ParticipantRow, ParticipantStatus, ProgressMapping } from "./schema/participants.js";
export type { WeconnectAccountsTable, WeconnectAccountRow, WeconnectAccountStatus } from "./schema/weconnect-accounts.js";
export type { TrackerAccountsTable, TrackerAccountRow, TrackerAccountStatus, TrackerBackend } from "./schema/tracker-accounts.js";
export type { ActivitiesTable, ActivityRow } from "./schema/activities.js";
export type { EventsTable, EventRow } from "./schema/events.js";
export type { DaysTable, DayRow, DayWriteState } from "./schema/days.js";
export type { AuditLogTable, AuditLogRow, AuditAction, AuditOutcome } from "./schema/audit-log.js";
export type { ErrorsTable, ErrorRow } from "./schema/errors.js";
export type { LeasesTable, LeaseRow } from "./schema/leases.js";
export {
  createInviteRecord,
  findInviteByTokenHash,
  listInvites,
  revokeInviteRecords,
  markInviteRecordOpened,
  markInviteRecordCompleted,
  recordSigninAttempt,
  type Invite,
  type InvitesTable,
  type InviteTables,
  type CreateInviteRecordInput,
  type SigninAttemptResult,
} from "./invites.js";
export {
  createCoordinator,
  findCoordinatorByEmail,
  listCoordinatorRecords,
  deleteCoordinator,
  setCoordinatorPasswordHash,
  createCoordinatorSession,
  findCoordinatorSession,
  touchCoordinatorSession,
  endCoordinatorSession,
  readSigninFailures,
  recordSigninFailure,
  clearSigninFailures,
  type Coordinator,
  type CoordinatorRole,
  type CoordinatorSession,
  type CoordinatorTables,
  type CoordinatorsTable,
  type CoordinatorSessionsTable,
  type SigninFailuresTable,
  type SigninFailureWindow,
} from "./coordinators.js";
export { startJobRun, finishJobRun, listJobRuns, lastFinishedJobRun, type JobName, type JobRun, type JobRunOutcome, type JobRunsTable, type JobRunTables, type FinishJobRunInput } from "./job-runs.js";
export { closeAbandonedJobRuns, type CloseAbandonedJobRunsInput } from "./job-runs.js";
export { syncAlerts, listOpenAlertRecords, type AlertCondition, type AlertRecord, type AlertsTable, type AlertTables, type SyncAlertsResult } from "./alerts.js";
export { pageParticipants, countParticipantsByStatus, pageAudit, pageErrors, type Page, type PageParticipantsFilter, type PageAuditFilter, type PageErrorsFilter } from "./dashboard-pages.js";
export { pageDayRows, listWithoutCheckInSince, listAccountProblems, listOnLegacyOnly, listNeverConnected, listNotPolledSince, countInviteProgress, type DayExportRow, type PageDayRowsInput } from "./dashboard-days.js";
export {
  loadMaintenanceBatch,
  listMaintenanceParticipants,
  countMaintenanceParticipants,
  listIncompleteProfiles,
  type MaintenanceBatch,
  type MaintenanceBatchItem,
  type TrackerAccountExpiry,
  type StoredDayEvent,
  type MaintenancePageQuery,
  type MaintenanceParticipant,
  type IncompleteProfile,
} from "./maintenance-batch.js";
export { insertParticipantsWithAccounts, type BulkParticipantInput, type BulkInsertResult } from "./bulk-seed.js";
export { listDriftCandidates, claimDriftChecks, recordDriftCheck, listDriftChecks, reopenDriftedDay, type DriftCandidate, type DriftChecksTable, type DriftOutcome, type ListDriftCandidatesInput, type ClaimDriftChecksInput, type ReopenDriftedDayInput } from "./drift.js";
export { listRestoreCandidates, recordTokenCheck, restoreWeconnectSignin, type RestoreCandidate, type TokenChecksTable, type TokenCheckOutcome } from "./token-checks.js";
