export type { AdminRuntime } from "./admin-runtime.js";
export { participantState, type ParticipantStateInput } from "./participant-state.js";
export { findParticipant } from "./find-participant.js";
export { normaliseParticipantName, participantNameProblem, PARTICIPANT_NAME_MAX } from "./participant-name.js";
export { enrolParticipant, type EnrolParticipantInput } from "./enrol-participant.js";
export { removeParticipant } from "./remove-participant.js";
export { settleParticipantStatus } from "./settle-status.js";
export { linkWeconnect, type LinkWeconnectInput, type LinkWeconnectResult } from "./link-weconnect.js";
export {
  beginTrackerConsent,
  completeTrackerConsent,
  type BeginTrackerConsentInput,
  type CompleteTrackerConsentInput,
  type CompleteTrackerConsentResult,
  type TrackerConsent,
} from "./tracker-consent.js";
export { getStatusReport, participantStatusRow, type InviteLinkSummary, type ParticipantStatusRow, type StatusReport, type StatusReportOptions, type StatusReportRow } from "./status-report.js";
export { describeParticipant, type ParticipantDescription } from "./describe-participant.js";
export { pollParticipantNow } from "./poll-participant-now.js";
export { pauseParticipant, resumeParticipant, type PauseParticipantResult } from "./pause-participant.js";
export type { TokenProblem } from "./token-health.js";
export { listParticipants, listAuditLog } from "./list-participants.js";
export { importParticipants, findEnrolledNames, type ImportParticipantInput, type ImportedParticipant, type ImportParticipantsOptions, type ImportParticipantsResult } from "./import-participants.js";
export { probeParticipantTracker, type ParticipantTrackerProbe, type ProbeParticipantTrackerOptions } from "./probe-participant-tracker.js";
