export { CoreError, isCoreError, type CoreErrorCode } from "./errors.js";
export { silentLogger, type Logger, type LogFields } from "./logger.js";
export * from "./config/index.js";
export {
  DEFAULT_MAPPING_SETTINGS,
  MAPPING_NAMES,
  goalStepsFor,
  type MappingName,
  type MappingSettings,
} from "./mapping/mapping-settings.js";
export { computeSteps, type ComputeStepsInput, type ComputeStepsResult, type DayEvent } from "./mapping/compute-steps.js";
export { formatLabel } from "./mapping/format-label.js";
export { hasOccurrenceSoon, selectDue, type DueCandidate, type SelectDueOptions } from "./poll/select-due.js";
export { decideWrite, type DayLedger, type WriteDecision } from "./poll/decide-write.js";
export {
  createRunRecorder,
  finishTiming,
  type ApiCounts,
  type OutcomeKind,
  type OutcomeTally,
  type ParticipantOutcome,
  type RunRecorder,
  type RunTiming,
} from "./run/run-result.js";
