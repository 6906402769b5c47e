import type { Generated, Kysely } from "kysely";
import { fromIso, fromIsoOrNull, toFlag, toIso, truncate } from "./_values.js";
import type { Database } from "./schema/database.js";

/** The two scheduled jobs. */
export type JobName = "poll" | "maintenance";

/** How a finished run went (core's `runOutcome`; a run cut short by shutdown is at best `partial`, with `aborted` set). */
export type JobRunOutcome = "ok" | "partial" | "failed";

/** `job_runs`: one row per run of either job, from any process; `finished_at` null while it runs (or if it died). */
export interface JobRunsTable {
  id: Generated<number>;
  job: JobName;
  /** The replica or process that ran it (daemon replica id, or `cli:<host>:<pid>`). */
  owner: string | null;
  started_at: string;
  finished_at: string | null;
  outcome: JobRunOutcome | null;
  processed: Generated<number>;
  written: Generated<number>;
  failed: Generated<number>;
  rate_limited: Generated<number>;
  /** JSON object: failure code → count. */
  failures_by_code: Generated<string>;
  /** Why the run as a whole threw, when it did (no secret: a typed error's message). */
  error: string | null;
  /** 1 when shutdown stopped the run before every participant started (migration 090). */
  aborted: Generated<number>;
  /** Participants such a run never started (migration 090); 0 for a run that was not aborted. */
  not_started: Generated<number>;
}

/** The table this module adds to `Database`. */
export type JobRunTables = { job_runs: JobRunsTable };

/** One recorded run. */
export interface JobRun {
  id: number;
  job: JobName;
  owner: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: JobRunOutcome | null;
  processed: number;
  written: number;
  failed: number;
  rateLimited: number;
  failuresByCode: Record<string, number>;
  error: string | null;
  /** Shutdown stopped the run before every participant started. */
  aborted: boolean;
  /** Participants an aborted run never started (a poll stops reading pages, so at least this many); 0 otherwise. */
  notStarted: number;
}

/** What `finishJobRun` stores. */
export interface FinishJobRunInput {
  finishedAt: Date;
  outcome: JobRunOutcome;
  processed: number;
  written: number;
  failed: number;
  rateLimited: number;
  failuresByCode: Record<string, number>;
  error?: string | null;
  /** Shutdown stopped the run before every participant started. @default false */
  aborted?: boolean;
  /** Participants the aborted run never started. Only stored with `aborted`. @default 0 */
  notStarted?: number;
}

const tables = (db: Kysely<Database>) => db.withTables<JobRunTables>();
type Row = { id: number; job: JobName; owner: string | null; started_at: string; finished_at: string | null; outcome: JobRunOutcome | null; processed: number; written: number; failed: number; rate_limited: number; failures_by_code: string; error: string | null; aborted: number; not_started: number };

function parseCounts(text: string): Record<string, number> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, number>) : {};
  } catch {
    return {};
  }
}

const toJobRun = (row: Row): JobRun => ({
  id: row.id,
  job: row.job,
  owner: row.owner,
  startedAt: fromIso(row.started_at),
  finishedAt: fromIsoOrNull(row.finished_at),
  outcome: row.outcome,
  processed: Number(row.processed),
  written: Number(row.written),
  failed: Number(row.failed),
  rateLimited: Number(row.rate_limited),
  failuresByCode: parseCounts(row.failures_by_code),
  error: row.error,
  aborted: Number(row.aborted) === 1,
  notStarted: Number(row.not_started),
});

/** Records that a run started; returns its id for `finishJobRun`. */
export async function startJobRun(db: Kysely<Database>, input: { job: JobName; owner: string | null; startedAt: Date }): Promise<number> {
  const row = await tables(db).insertInto("job_runs").values({ job: input.job, owner: input.owner, started_at: toIso(input.startedAt, "startedAt") }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** Records how a run ended. */
export async function finishJobRun(db: Kysely<Database>, id: number, input: FinishJobRunInput): Promise<void> {
  await tables(db)
    .updateTable("job_runs")
    .set({
      finished_at: toIso(input.finishedAt, "finishedAt"),
      outcome: input.outcome,
      processed: input.processed,
      written: input.written,
      failed: input.failed,
      rate_limited: input.rateLimited,
      failures_by_code: JSON.stringify(input.failuresByCode),
      error: input.error == null ? null : truncate(input.error, 500),
      // Only an aborted run writes migration 090's columns, so a CLI upgraded before
      // `powertoken db migrate` still records its ordinary runs.
      ...(input.aborted ? { aborted: toFlag(true), not_started: input.notStarted ?? 0 } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** Runs of one job, newest first. */
export async function listJobRuns(db: Kysely<Database>, filter: { job?: JobName; limit?: number } = {}): Promise<JobRun[]> {
  let query = tables(db).selectFrom("job_runs").selectAll().orderBy("started_at", "desc").orderBy("id", "desc").limit(filter.limit ?? 50);
  if (filter.job) query = query.where("job", "=", filter.job);
  return (await query.execute()).map(toJobRun);
}

/** The newest finished run of a job, or null. */
export async function lastFinishedJobRun(db: Kysely<Database>, job: JobName): Promise<JobRun | null> {
  const row = await tables(db).selectFrom("job_runs").selectAll().where("job", "=", job).where("finished_at", "is not", null).orderBy("started_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  return row ? toJobRun(row) : null;
}

/** What `closeAbandonedJobRuns` needs. */
export interface CloseAbandonedJobRunsInput {
  /** The owner whose open runs are closed: the replica (or process) that died. */
  replica: string;
  /** Stored as their `finished_at`. */
  now: Date;
  /** Stored as their `error`. @default "The process running it ended before the run finished." */
  reason?: string;
}

/**
 * Marks `failed` every run of `replica` still open (`finished_at` null): the process that ran
 * them is gone, so they will never finish, and an open row would show as "running" in job
 * health forever. Call it only once the replica is known dead (e.g. after taking over its stale
 * instance lock): a live process's run would be closed under it. Returns how many rows it closed.
 * @example await closeAbandonedJobRuns(db, { replica: "daemon-a", now: new Date() })
 */
export async function closeAbandonedJobRuns(db: Kysely<Database>, input: CloseAbandonedJobRunsInput): Promise<number> {
  const result = await tables(db)
    .updateTable("job_runs")
    .set({ finished_at: toIso(input.now, "now"), outcome: "failed", error: truncate(input.reason ?? "The process running it ended before the run finished.", 500) })
    .where("owner", "=", input.replica)
    .where("finished_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
