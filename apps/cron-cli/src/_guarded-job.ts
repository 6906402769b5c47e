import { checkWritable, closeAbandonedJobRuns, type PowerTokenConfig } from "@powertoken/core";
import type { CommandEnv } from "./_command.js";
import { loadCliConfig } from "./_config.js";
import { withDatabase } from "./_database.js";
import { EXIT, UsageError } from "./_errors.js";
import { checkJobConfiguration } from "./_job-guard.js";
import { jobLockPath, takeJobLock, type JobLockHolder } from "./_job-lock.js";
import { cliReplica, runJob } from "./_job.js";

/** The flags `runGuardedJob` reads (the rest pass through to `runJob`). */
interface GuardedJobFlags {
  config?: string;
  "env-file"?: string;
  participant?: string;
  all?: boolean;
  "dry-run"?: boolean;
  verbose?: boolean;
}

/**
 * What `poll` and `maintenance` run: the checks that keep a job from reporting success while
 * doing nothing, then `runJob`. In order: the flags make sense (`--participant ""` is a usage
 * error, not an empty run); the settings a job needs are present (`checkJobConfiguration`); the
 * database exists and is migrated (a missing or 0-byte file is DATABASE_MISSING, never a new empty
 * database) and its write lock can be had within the busy timeout (BUSY); and no other run of
 * the same job holds the CLI's job lock. A run that finds the lock held does nothing, says so
 * on stderr and exits 0 (under cron, an overlapping run is expected, and the one holding the
 * lock does the work). A dry run writes nothing, so it takes no lock.
 */
export async function runGuardedJob(job: "poll" | "maintenance", args: GuardedJobFlags, env: CommandEnv): Promise<number> {
  if (args.participant !== undefined && args.participant.split(",").every((s) => s.trim() === "")) {
    throw new UsageError("--participant needs at least one name or id (comma-separated).");
  }
  // Usage first (exit 2), before any setting or file is looked at; runJob repeats these for its other callers.
  if (args.participant !== undefined && args.all) throw new UsageError("Give either --participant or --all, not both.");
  if (job === "maintenance" && args.all) throw new UsageError("maintenance always covers every participant: drop --all (or use --participant for some).");
  const { config } = loadCliConfig(args, env);
  checkJobConfiguration(job, config);
  await withDatabase(config, checkWritable);
  if (args["dry-run"]) return runJob(job, args, env);
  const lock = takeJobLock(jobLockPath(job, config, env.cwd));
  if (lock.held) {
    const { pid, host, startedAt } = lock.holder;
    env.out.log.warn(`${job} skipped: another ${job} run (pid ${pid} on ${host}, started ${startedAt}) is still working on this database. Nothing was done; that run covers these participants. Lock file: ${lock.path}`);
    env.out.result({ job, skipped: "locked", holder: lock.holder, lockFile: lock.path }, () => undefined);
    return EXIT.ok;
  }
  try {
    if (lock.takenOverFrom) await closeRunOfDeadProcess(job, lock.takenOverFrom, config, env);
    return await runJob(job, args, env);
  } finally {
    lock.release();
  }
}

/**
 * A run killed mid-way (SIGKILL, power loss) left its lock file and an open row in the job runs;
 * its pid is dead, so that row would show as running for ever: close it as failed, and say so.
 */
async function closeRunOfDeadProcess(job: "poll" | "maintenance", dead: JobLockHolder, config: PowerTokenConfig, env: CommandEnv): Promise<void> {
  const closed = await withDatabase(config, (handle) =>
    closeAbandonedJobRuns(handle.db, { replica: cliReplica(dead.host, dead.pid), now: new Date(), reason: `The ${job} run (pid ${dead.pid}) ended without finishing (killed or crashed).` }),
  );
  env.out.log.warn(`${job}: the previous run (pid ${dead.pid} on ${dead.host}, started ${dead.startedAt}) ended without finishing; took over its lock${closed > 0 ? " and recorded that run as failed" : ""}.`);
}
