import { finishJobRun, startJobRun, type JobName } from "@powertoken/db";
import { evaluateAlerts } from "../alerts/evaluate-alerts.js";
import { runMaintenance, type MaintenanceResult, type RunMaintenanceOptions } from "../maintenance/run-maintenance.js";
import { runPoll, type PollResult, type RunPollOptions } from "../poll/run-poll.js";
import { runOutcome } from "../run/run-outcome.js";
import type { JobRuntime } from "./job-health.js";

/** What {@link runRecordedJob} adds to the job's own options. */
export interface RecordJobOptions {
  /**
   * Who ran it, stored with the run: the daemon's replica id, or `cli:<host>:<pid>`.
   * @default options.owner, else null
   */
  replica?: string;
  /** Evaluate alert rules (and notify) after the run. @default true */
  alerts?: boolean;
}

/**
 * Runs poll or maintenance and records the run in the database (job, replica, start, finish,
 * outcome, counts, failures by code) so job health is visible from every process, then evaluates
 * the alert rules. The CLI and the daemon call this instead of `runPoll` / `runMaintenance`.
 * A dry run is neither recorded nor alerted on: it changes nothing, so it proves nothing about the
 * job's health. A run its `signal` cut short (shutdown: some participants never started) is
 * recorded `aborted` with how many never started, and as `partial` at best: it did only part of
 * its work, so `ok` would be untrue. A run that throws is recorded as `failed` and the error
 * rethrown; recording or alerting problems are logged and never change the job's result.
 * @example const result = await runRecordedJob(runtime, "poll", { replica: "daemon-a", owner: "daemon-a" })
 */
export async function runRecordedJob(runtime: JobRuntime, job: "poll", options?: RunPollOptions & RecordJobOptions): Promise<PollResult>;
export async function runRecordedJob(runtime: JobRuntime, job: "maintenance", options?: RunMaintenanceOptions & RecordJobOptions): Promise<MaintenanceResult>;
export async function runRecordedJob(
  runtime: JobRuntime,
  job: JobName,
  options: (RunPollOptions | RunMaintenanceOptions) & RecordJobOptions = {},
): Promise<PollResult | MaintenanceResult> {
  const { replica, alerts, ...jobOptions } = options;
  const run = () => (job === "poll" ? runPoll(runtime.ctx, jobOptions as RunPollOptions) : runMaintenance(runtime.ctx, jobOptions as RunMaintenanceOptions));
  if (jobOptions.dryRun) return run();
  const log = runtime.ctx.log;
  const db = runtime.db.db;
  const owner = replica ?? jobOptions.owner ?? null;
  let runId: number | null = null;
  try {
    runId = await startJobRun(db, { job, owner, startedAt: runtime.ctx.now() });
  } catch (error) {
    log.warn("could not record the start of a job run", { job, reason: (error as Error).name });
  }
  let result: PollResult | MaintenanceResult;
  try {
    result = await run();
  } catch (error) {
    if (runId !== null) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
      await finishJobRun(db, runId, { finishedAt: runtime.ctx.now(), outcome: "failed", processed: 0, written: 0, failed: 0, rateLimited: 0, failuresByCode: {}, error: message }).catch(() => undefined);
    }
    await alertQuietly(runtime, alerts);
    throw error;
  }
  if (runId !== null) {
    const aborted = result.aborted;
    const outcome = runOutcome(result);
    try {
      await finishJobRun(db, runId, {
        finishedAt: result.finishedAt,
        outcome: aborted && outcome === "ok" ? "partial" : outcome,
        aborted,
        // Those the run reached and stopped before; a poll stops reading pages, so there may be more.
        notStarted: aborted ? result.participants.filter((p) => p.outcome === "skipped" && p.code === "ABORTED").length : 0,
        processed: result.job === "poll" ? result.polled + result.failed : result.updated + result.removedIncomplete + result.failed,
        written: result.job === "poll" ? result.written : result.activitiesUpserted + result.eventsUpserted + result.goalsSet,
        failed: result.failed,
        rateLimited: "rateLimited" in result ? result.rateLimited.weconnect + result.rateLimited.tracker : 0,
        failuresByCode: result.failuresByCode,
      });
    } catch (error) {
      log.warn("could not record the end of a job run", { job, reason: (error as Error).name });
    }
  }
  await alertQuietly(runtime, alerts);
  return result;
}

async function alertQuietly(runtime: JobRuntime, enabled: boolean | undefined): Promise<void> {
  if (enabled === false) return;
  try {
    await evaluateAlerts(runtime);
  } catch (error) {
    runtime.ctx.log.warn("alert evaluation failed", { reason: (error as Error).name, message: (error as Error).message });
  }
}
