import { runOutcome, type MaintenanceResult, type ParticipantOutcome, type PollResult } from "@powertoken/core";

/**
 * The parts of core's run results the daemon reads: picked from core's own types, so the
 * scheduler, metrics and HTTP code can be tested with small literals.
 */
export type ParticipantSummary = Pick<ParticipantOutcome, "participantId" | "outcome" | "code">;

type Reported = "aborted" | "participants";

/** What the daemon reads from core's `PollResult`. */
export type PollSummary = Pick<PollResult, "job" | "durationMs" | "due" | "polled" | "written" | "unchanged" | "skipped" | "failed" | "failuresByCode"> &
  Partial<Pick<PollResult, "requests" | "rateLimited" | "quota">> & { aborted?: boolean | undefined; participants?: readonly ParticipantSummary[] };

/** What the daemon reads from core's `MaintenanceResult`. */
export type MaintenanceSummary = Omit<Pick<MaintenanceResult, Exclude<keyof MaintenanceResult, "startedAt" | "finishedAt">>, Reported> & {
  aborted?: boolean | undefined;
  participants?: readonly ParticipantSummary[];
};

/** The daemon's two jobs. */
export type JobName = "poll" | "maintenance";

/** How one run ended, as a metric label and for readiness. */
export type RunOutcome = "ok" | "partial" | "failed" | "aborted";

/**
 * Classify a finished run: `aborted` when shutdown cut it short, else core's `runOutcome` (the
 * same rule the CLI's exit code follows): `failed` when every participant it attempted failed,
 * `partial` when some did, else `ok`. A run that threw is `failed` too.
 */
export function classifyRun(result: PollSummary | MaintenanceSummary): RunOutcome {
  return result.aborted === true ? "aborted" : runOutcome(result);
}
