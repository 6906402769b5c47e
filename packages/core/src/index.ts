export { CoreError, isCoreError, type CoreErrorCode, type CoreErrorExtra } from "./errors.js";
export { silentLogger, type Logger, type LogFields } from "./logger.js";
export * from "./config/index.js";
export {
  DEFAULT_MAPPING_SETTINGS,
  MAPPING_NAMES,
  defaultStepsFor,
  goalStepsFor,
  type MappingName,
  type MappingSettings,
} from "./mapping/mapping-settings.js";
export { computeSteps, type ComputeStepsInput, type ComputeStepsResult, type ScoredEvent } from "./mapping/compute-steps.js";
export { formatLabel } from "./mapping/format-label.js";
export { hasOccurrenceSoon, type SelectDueOptions } from "./poll/select-due.js";
export { dayNeedsWrite, decideWrite, type DayLedger, type WriteDecision } from "./poll/decide-write.js";
export {
  createRunRecorder,
  finishTiming,
  type ApiCounts,
  type OutcomeKind,
  type OutcomeListing,
  type OutcomeTally,
  type ApiBudgetUsage,
  type QuotaUsage,
  type ParticipantOutcome,
  type RunRecorder,
  type RunTiming,
} from "./run/run-result.js";
export type {
  AuditRecord,
  CoreData,
  DaySnapshot,
  ParticipantRecord,
  ParticipantStatus,
  PollCandidate,
  StoredActivity,
  StoredEvent,
  TrackerWriteRecord,
} from "./data/core-data.js";
export { createTrackerTokenStore, type TrackerTokenStoreOptions } from "./data/tracker-token-store.js";
export { classifyError, type ClassifiedError } from "./run/classify-error.js";
export type { ProgressListener, RunProgress } from "./run/run-participants.js";
export { DEFAULT_CORE_SETTINGS, notifyRequest, type CoreHooks, type CoreSettings, type CountedRequest, type PowerTokenContext } from "./runtime/context.js";
export { createPowerTokenContext, type CreateContextOptions } from "./runtime/create-context.js";
export { runPoll, isDue, type PollResult, type RunPollOptions } from "./poll/run-poll.js";
export { runMaintenance, type MaintenanceResult, type RunMaintenanceOptions } from "./maintenance/run-maintenance.js";
export { diffActivities, expirationOf, type ActivityChanges } from "./maintenance/sync-activities.js";
export { DEFAULT_ACTIVITY_WEIGHT, storedActivityOf, storedEventsOf } from "./data/weconnect-to-stored.js";
export { createDbCoreData } from "./data/db-core-data.js";
export { createRuntime, type CreateRuntimeOptions, type PowerTokenRuntime } from "./runtime/create-runtime.js";
export { recoverOrphanedRefreshes, type OrphanRecoveryResult } from "./runtime/recover-orphaned-refreshes.js";
export { openConfiguredDatabase, encryptionKeysFromConfig, type OpenConfiguredDatabaseOptions } from "./runtime/open-configured-database.js";
export { createOAuthProviderFromConfig, isBackendConfigured, webOAuthRedirectUri, type OAuthProviderFromConfigOptions } from "./runtime/oauth-provider-from-config.js";
export * from "./admin/index.js";
export { isPowerTokenError, type PowerTokenError, type PowerTokenErrorCode } from "./power-token-error.js";
export { runOutcome, type RunOutcomeInput, type RunOutcomeKind } from "./run/run-outcome.js";
export { handleShutdownSignals, signalExitCode, type ShutdownSignal, type ShutdownSignalOptions, type SignalSource } from "./shutdown-signals.js";
export * from "./invites/index.js";
export * from "./coordinators/index.js";
export * from "./jobs/index.js";
export * from "./alerts/index.js";
export * from "./dashboard/index.js";
export { exportDays, EXPORT_COLUMNS, type ExportDaysOptions } from "./export/export-days.js";
export { createNodeHttpFetch, type NodeHttpFetch, type NodeHttpFetchOptions } from "./runtime/node-http-fetch.js";
export { checkStoredTokenKey } from "./runtime/check-stored-key.js";
export { isProcessAlive, lockFileAgeMs, publishLockFile, readLockFile, removeLockFile } from "./runtime/lock-file.js";
export * from "./quota/index.js";
// The CLI turns a raw driver error (a held lock, a damaged file) into db's typed error without importing db itself.
export { dbErrorOf } from "@powertoken/db";
// The CLI's job guard and db commands use these; re-exported so the apps never import db (apps → core → db).
export { checkWritable, checkIntegrity, migrationStatus, newerMigrations, type MigrationInfo } from "@powertoken/db";
export { generateEncryptionKey, parseEncryptionKey, rotateEncryptionKey, type RotateEncryptionKeyInput } from "@powertoken/db";
// The rest of what the apps still import from db directly (init, db migrate, demo, participants list, the job lock, the daemon).
export { migrateToLatest, parseDatabaseUrl, PARTICIPANT_STATUSES, type DatabaseHandle, type MigrateResult } from "@powertoken/db";
// For the daemon after it takes over a dead instance's lock: that process's open job runs will never finish.
export { closeAbandonedJobRuns, type CloseAbandonedJobRunsInput } from "@powertoken/db";
