import { lastFinishedJobRun, listJobRuns, type JobName, type JobRunOutcome } from "@powertoken/db";
import type { PowerTokenRuntime } from "../runtime/create-runtime.js";
import { jobIntervalMinutes } from "./job-interval.js";

/** The last finished run of a job as shown on the overview. */
export interface JobRunSummary {
  owner: string | null;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  /** A run shutdown cut short is `partial` at best, with `aborted` set. */
  outcome: JobRunOutcome | null;
  /** Shutdown stopped the run before every participant started. */
  aborted: boolean;
  /** Participants such a run never started (at least this many); 0 otherwise. */
  notStarted: number;
  processed: number;
  written: number;
  failed: number;
  rateLimited: number;
  failuresByCode: Record<string, number>;
}

/** One job's health. */
export interface JobHealth {
  job: JobName;
  intervalMinutes: number;
  lastRun: JobRunSummary | null;
  /** A run that started and has not finished (it may also have died). */
  runningSince: Date | null;
  /** When the next run is due: last start + interval (now when it never ran). */
  nextExpectedAt: Date;
  /** True when no run started in the last two intervals (or none ever did). */
  stale: boolean;
}

/** The runtime parts {@link getJobHealth} reads. */
export type JobRuntime = Pick<PowerTokenRuntime, "db" | "ctx" | "config">;

/**
 * The health of both jobs from the runs recorded in the database by every process (CLI, daemon,
 * any replica): last run, next expected run from the schedule, and whether the job went stale.
 * @example const [poll] = await getJobHealth(runtime); if (poll.stale) …
 */
export async function getJobHealth(runtime: JobRuntime, options: { now?: Date } = {}): Promise<JobHealth[]> {
  const now = options.now ?? runtime.ctx.now();
  const jobs: JobName[] = ["poll", "maintenance"];
  return Promise.all(jobs.map((job) => healthOf(runtime, job, now)));
}

async function healthOf(runtime: JobRuntime, job: JobName, now: Date): Promise<JobHealth> {
  const intervalMinutes = jobIntervalMinutes(runtime.config, job);
  const intervalMs = intervalMinutes * 60_000;
  const [last, [newest]] = await Promise.all([lastFinishedJobRun(runtime.db.db, job), listJobRuns(runtime.db.db, { job, limit: 1 })]);
  const runningSince = newest && newest.finishedAt === null ? newest.startedAt : null;
  const lastStart = newest?.startedAt ?? null;
  const lastRun: JobRunSummary | null =
    last && last.finishedAt
      ? {
          owner: last.owner,
          startedAt: last.startedAt,
          finishedAt: last.finishedAt,
          durationMs: last.finishedAt.getTime() - last.startedAt.getTime(),
          outcome: last.outcome,
          aborted: last.aborted,
          notStarted: last.notStarted,
          processed: last.processed,
          written: last.written,
          failed: last.failed,
          rateLimited: last.rateLimited,
          failuresByCode: last.failuresByCode,
        }
      : null;
  // Staleness is judged on finished runs: a run that started and never finished (a killed process) is not health.
  const reference = lastRun?.startedAt ?? null;
  return {
    job,
    intervalMinutes,
    lastRun,
    runningSince,
    nextExpectedAt: lastStart ? new Date(lastStart.getTime() + intervalMs) : now,
    stale: reference === null || now.getTime() - reference.getTime() > 2 * intervalMs,
  };
}
