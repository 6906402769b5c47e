import { createHash } from "node:crypto";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive, lockFileAgeMs, parseDatabaseUrl, publishLockFile, readLockFile, removeLockFile, type PowerTokenConfig } from "@powertoken/core";

/** Who holds a job's lock (from its lock file). */
export interface JobLockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** The outcome of {@link takeJobLock}: either ours (release it when done) or held by another run. */
export type JobLock =
  | {
      held: false;
      path: string;
      release: () => void;
      /** The dead run whose lock file this one replaced (its process ended without releasing it). */
      takenOverFrom?: JobLockHolder;
    }
  | { held: true; path: string; holder: JobLockHolder };

/**
 * Where the lock of `job` on the configured database lives: beside a SQLite file
 * (`powertoken.db.poll.lock`), or in the temporary folder keyed by a hash of the PostgreSQL URL
 * and schema (the URL's password never appears in the name).
 */
export function jobLockPath(job: string, config: PowerTokenConfig, cwd: string): string {
  const parsed = parseDatabaseUrl(config.database.url, { cwd });
  if (parsed.dialect === "sqlite" && parsed.path !== ":memory:") return `${parsed.path}.${job}.lock`;
  const key = createHash("sha256").update(`${config.database.url}\0${config.database.schema ?? ""}`).digest("hex").slice(0, 16);
  return join(tmpdir(), `powertoken-${key}.${job}.lock`);
}

/**
 * A lock file that cannot be read is taken over only when it is older than this: a file that is
 * still being published is never mistaken for a dead holder's.
 */
const UNREADABLE_LOCK_STALE_MS = 60_000;

/**
 * Takes the per-job lock of the CLI, so a `poll` started by hand while cron's is running (or a
 * cron run that outlasts its 15 minutes) does not poll and write the same participants a second
 * time. The lock file holds pid, host and start time, and appears whole: it is written under a
 * private name and hard-linked into place (`link` fails when the name exists), so a second taker
 * never reads a created-but-empty file and mistakes it for a dead one (which let two polls run at
 * once). A file left by a process that died (SIGKILL, power loss) on this host is taken over: its
 * pid is no longer alive. A lock of another host is never broken here; on PostgreSQL, replicas on
 * several hosts rely on core's row leases instead.
 */
export function takeJobLock(path: string, now: Date = new Date()): JobLock {
  const mine: JobLockHolder = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  let takenOverFrom: JobLockHolder | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (publishLockFile(path, `${JSON.stringify(mine)}\n`)) return { held: false, path, release: () => releaseIfMine(path), ...(takenOverFrom ? { takenOverFrom } : {}) };
    const seen = readLockFile(path);
    if (seen === null) continue; // released meanwhile: try again
    const holder = parseHolder(seen);
    if (holder !== null && (holder.host !== mine.host || isProcessAlive(holder.pid))) return { held: true, path, holder };
    if (holder === null && lockFileAgeMs(path, now) <= UNREADABLE_LOCK_STALE_MS) return { held: true, path, holder: { pid: 0, host: "unknown", startedAt: "unknown" } };
    // A dead holder's file (or an old, unreadable one): remove it, but only if it is still the
    // file just read, so a taker that got there first keeps its fresh lock.
    if (readLockFile(path) === seen) {
      removeLockFile(path);
      if (holder !== null) takenOverFrom = holder;
    }
  }
  const holder = parseHolder(readLockFile(path) ?? "");
  return { held: true, path, holder: holder ?? { pid: 0, host: "unknown", startedAt: "unknown" } };
}

function parseHolder(text: string): JobLockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<JobLockHolder>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return null;
    return { pid: value.pid, host: value.host, startedAt: typeof value.startedAt === "string" ? value.startedAt : "unknown" };
  } catch {
    return null;
  }
}

function releaseIfMine(path: string): void {
  const holder = parseHolder(readLockFile(path) ?? "");
  if (holder?.pid !== process.pid || holder.host !== hostname()) return;
  removeLockFile(path);
}
