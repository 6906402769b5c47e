import type { MaintenanceResult } from "../maintenance/run-maintenance.js";
import type { PollResult } from "../poll/run-poll.js";

/** How a finished run went as a whole: the CLI maps it to an exit code, the daemon to metrics and readiness. */
export type RunOutcomeKind = "ok" | "partial" | "failed";

/** The parts of a run result {@link runOutcome} reads (a full `PollResult` or `MaintenanceResult` fits). */
export type RunOutcomeInput =
  | Pick<PollResult, "job" | "failed" | "written" | "unchanged">
  | (Pick<MaintenanceResult, "job" | "failed" | "updated" | "skipped" | "removedIncomplete"> & Pick<MaintenanceResult, "trackerPassesSkipped">);

/**
 * `ok` when no participant failed, `failed` when every participant the run attempted failed
 * (the job itself is broken: WEconnect down, a bad key), `partial` when some did. A maintenance
 * run that needed tracker clients and had none of them (`trackerPassesSkipped`) is `failed`
 * whatever its participants did: its WEconnect sync went through, but no token was refreshed and
 * no day read back, and a missing setting is not a success (the poll refuses to start instead).
 * @example runOutcome(await runPoll(ctx)) // "partial"
 */
export function runOutcome(result: RunOutcomeInput): RunOutcomeKind {
  if (result.job === "maintenance" && result.trackerPassesSkipped === true) return "failed";
  if (result.failed === 0) return "ok";
  // Counts, not the participant list: a run may list only its exceptions (`outcomes: "exceptions"`).
  const succeeded = result.job === "poll" ? result.written + result.unchanged : result.updated + result.skipped + result.removedIncomplete;
  return succeeded === 0 ? "failed" : "partial";
}
