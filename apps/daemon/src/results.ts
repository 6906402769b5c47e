/**
 * The parts of core's run results the daemon reads. Declared structurally so the scheduler,
 * metrics and HTTP code stand on their own; core's `PollResult` / `MaintenanceResult` fit them.
 */
export interface ParticipantSummary {
  participantId: number | string;
  outcome: string;
  code?: string | undefined;
}

/** What the daemon reads from core's `PollResult`. */
export interface PollSummary {
  job: "poll";
  durationMs: number;
  due: number;
  polled: number;
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
  failuresByCode: Record<string, number>;
  requests?: { weconnect: number; tracker: number };
  rateLimited?: { weconnect: number; tracker: number };
  aborted?: boolean | undefined;
  participants?: readonly ParticipantSummary[];
}

/** What the daemon reads from core's `MaintenanceResult`. */
export interface MaintenanceSummary {
  job: "maintenance";
  durationMs: number;
  removedIncomplete: number;
  tokensRefreshed: number;
  tokensFailed: number;
  statusChanges: number;
  activitiesUpserted: number;
  activitiesRemoved: number;
  eventsUpserted: number;
  goalsSet: number;
  failed: number;
  failuresByCode: Record<string, number>;
  aborted?: boolean | undefined;
  participants?: readonly ParticipantSummary[];
}

/** The daemon's two jobs. */
export type JobName = "poll" | "maintenance";

/** How one run ended, as a metric label and for readiness. */
export type RunOutcome = "ok" | "partial" | "failed" | "aborted";

/**
 * Classify a finished run: `aborted` when shutdown cut it short, `failed` when every participant it
 * attempted failed, `partial` when some did, else `ok`. A run that threw is `failed` too.
 */
export function classifyRun(result: PollSummary | MaintenanceSummary): RunOutcome {
  if (result.aborted === true) return "aborted";
  if (result.failed === 0) return "ok";
  const succeeded =
    result.job === "poll"
      ? result.written + result.unchanged
      : (result.participants ?? []).filter((p) => p.outcome !== "failed").length;
  return succeeded === 0 ? "failed" : "partial";
}
