import { createHash } from "node:crypto";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { PowerTokenConfig } from "@powertoken/core";
import { parseDatabaseUrl } from "@powertoken/db";

/** Who holds a job's lock (from its lock file). */
export interface JobLockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** The outcome of {@link takeJobLock}: either ours (release it when done) or held by another run. */
export type JobLock = { held: false; path: string; release: () => void } | { held: true; path: string; holder: JobLockHolder };

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
 * Takes the per-job lock of the CLI, so a `poll` started by hand while cron's is running (or a
 * cron run that outlasts its 15 minutes) does not poll and write the same participants a second
 * time. The lock is a file created exclusively (`O_EXCL`) holding pid, host and start time. A
 * file left by a process that died (SIGKILL, power loss) on this host is taken over: its pid is
 * no longer alive. A lock of another host is never broken here; on PostgreSQL, replicas on
 * several hosts rely on core's row leases instead.
 */
export function takeJobLock(path: string, now: Date = new Date()): JobLock {
  const mine: JobLockHolder = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: "wx", mode: 0o600 });
      return { held: false, path, release: () => releaseIfMine(path) };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
    }
    const holder = readHolder(path);
    if (holder !== null && (holder.host !== mine.host || isAlive(holder.pid))) return { held: true, path, holder };
    // Dead holder (or an unreadable, half-written file): remove it and try once more.
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
  }
  const holder = readHolder(path);
  return { held: true, path, holder: holder ?? { pid: 0, host: "unknown", startedAt: "unknown" } };
}

function readHolder(path: string): JobLockHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<JobLockHolder>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return null;
    return { pid: value.pid, host: value.host, startedAt: typeof value.startedAt === "string" ? value.startedAt : "unknown" };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as { code?: string }).code === "EPERM";
  }
}

function releaseIfMine(path: string): void {
  const holder = readHolder(path);
  if (holder?.pid !== process.pid || holder.host !== hostname()) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
