import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { DaemonError } from "./errors.js";

/** A held lock; `release()` removes the file if it is still ours. */
export interface InstanceLock {
  path: string;
  release(): void;
}

interface LockContent {
  pid: number;
  hostname: string;
  replica: string;
  since: string;
}

/**
 * Take the single-replica lock of a SQLite database: the file `<database>.daemon.lock`, created
 * with `O_EXCL` (`wx`), holding our pid, host and replica id. A lock left by a dead process on
 * this host (its pid no longer exists) is taken over; a live one, or one from another host,
 * refuses the start.
 * @throws DaemonError INSTANCE_LOCKED
 */
export function acquireInstanceLock(sqliteFile: string, replica: string): InstanceLock {
  const path = `${sqliteFile}.daemon.lock`;
  const content: LockContent = { pid: process.pid, hostname: hostname(), replica, since: new Date().toISOString() };
  const text = JSON.stringify(content);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      if (holder !== null && isAlive(holder)) throw locked(path, sqliteFile, holder);
      if (holder !== null && holder.hostname !== content.hostname) throw locked(path, sqliteFile, holder);
      removeIfUnchanged(path, holder);
      continue;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return {
      path,
      release() {
        try {
          if (readFileSync(path, "utf8") === text) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      },
    };
  }
  throw new DaemonError("INSTANCE_LOCKED", `Another daemon took ${path} while this one was starting. Only one daemon may use a SQLite database.`);
}

function readHolder(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockContent>;
    return typeof parsed.pid === "number" && typeof parsed.hostname === "string" ? (parsed as LockContent) : null;
  } catch {
    return null; // empty or torn file: a writer that died between open and write
  }
}

function isAlive(holder: LockContent): boolean {
  if (holder.hostname !== hostname()) return true; // cannot tell: assume alive
  if (holder.pid === process.pid) return false; // a previous run in this same process (tests)
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function removeIfUnchanged(path: string, holder: LockContent | null): void {
  try {
    const now = readHolder(path);
    if (now?.pid === holder?.pid) unlinkSync(path);
  } catch {
    // Removed by another starter already; the retry decides.
  }
}

function locked(path: string, sqliteFile: string, holder: LockContent): DaemonError {
  return new DaemonError(
    "INSTANCE_LOCKED",
    `Another powertoken-daemon (pid ${holder.pid} on ${holder.hostname}, since ${holder.since}) already uses ${sqliteFile}. ` +
      `SQLite supports one daemon replica; run several only against PostgreSQL. If that process is gone, delete ${path}.`,
  );
}
