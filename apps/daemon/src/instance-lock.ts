import { hostname } from "node:os";
import { dirname } from "node:path";
import { isProcessAlive, lockFileAgeMs, publishLockFile, readLockFile, removeLockFile } from "@powertoken/core";
import { DaemonError } from "./errors.js";

/** Who held a lock file: what the daemon writes into it. */
export interface LockContent {
  pid: number;
  hostname: string;
  replica: string;
  since: string;
}

/** Why a lock file found at start was taken over (main.ts logs it at warn). */
export type LockTakeover =
  /** Its process no longer exists on this host; `previous.replica` is the dead daemon's replica id. */
  | { reason: "holder-dead"; previous: LockContent }
  /** Empty or not our JSON, and older than {@link UNREADABLE_LOCK_STALE_MS}. */
  | { reason: "unreadable"; ageMs: number };

/** A held lock; `release()` removes the file if it is still ours. */
export interface InstanceLock {
  path: string;
  /** Set when a stale lock file had to be removed first. */
  takeover: LockTakeover | undefined;
  release(): void;
}

/**
 * A lock file that cannot be read is taken over only when it is older than this. Files are
 * published whole (see `publish`), so an unreadable one is not a starter caught mid-write; but
 * an older daemon wrote with `open(wx)` then `write`, and a file someone is still editing by hand
 * is no reason to start a second replica at once (the CLI's job lock uses the same minute).
 */
export const UNREADABLE_LOCK_STALE_MS = 60_000;

/**
 * Take the single-replica lock of a SQLite database: the file `<database>.daemon.lock`, holding
 * our pid, host and replica id. It is written under a private name and hard-linked into place
 * (`link` fails when the name exists), so it appears whole and two daemons starting together
 * cannot both win, as with the CLI's job lock. A lock left by a dead process on this host (its
 * pid no longer exists), or an unreadable one older than a minute, is taken over and reported in
 * `takeover`; a live one, one from another host, or a young unreadable one refuses the start.
 * @throws DaemonError INSTANCE_LOCKED; DATA_FOLDER_UNUSABLE when the database's folder is missing or not writable
 */
export function acquireInstanceLock(sqliteFile: string, replica: string, now: () => Date = () => new Date()): InstanceLock {
  const path = `${sqliteFile}.daemon.lock`;
  const content: LockContent = { pid: process.pid, hostname: hostname(), replica, since: now().toISOString() };
  const text = JSON.stringify(content);
  let takeover: LockTakeover | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (publish(path, text, sqliteFile)) {
      return {
        path,
        takeover,
        release() {
          if (readLockFile(path) === text) removeLockFile(path);
        },
      };
    }
    const seen = readLockFile(path);
    if (seen === null) continue; // released meanwhile: try again
    const holder = parseHolder(seen);
    if (holder !== null) {
      if (holder.hostname !== content.hostname || isAlive(holder)) throw locked(path, sqliteFile, holder);
      takeover = { reason: "holder-dead", previous: holder };
    } else {
      const ageMs = lockFileAgeMs(path, now());
      if (ageMs < UNREADABLE_LOCK_STALE_MS) throw unreadable(path, sqliteFile);
      takeover = { reason: "unreadable", ageMs };
    }
    // Remove it only if it is still the file just read, so a starter that got there first keeps its lock.
    if (readLockFile(path) === seen) removeLockFile(path);
  }
  throw new DaemonError("INSTANCE_LOCKED", `Another daemon took ${path} while this one was starting. Only one daemon may use a SQLite database.`);
}

/** Core's atomic publish (temp file + link); false when `path` exists. A folder it cannot write in is named. */
function publish(path: string, text: string, sqliteFile: string): boolean {
  try {
    return publishLockFile(path, text);
  } catch (error) {
    throw folderError(error, sqliteFile);
  }
}

/** The folder of the database cannot take the lock file: say which folder and what to do, not ENOENT's stack. */
function folderError(error: unknown, sqliteFile: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const folder = dirname(sqliteFile);
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new DaemonError(
      "DATA_FOLDER_UNUSABLE",
      `The database folder ${folder} does not exist, so there is no database at ${sqliteFile}. Run \`powertoken init\` to set up a study there, or set database.url (POWERTOKEN_DATABASE_URL) to the existing database.`,
      { key: "database.url", cause: error },
    );
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new DaemonError(
      "DATA_FOLDER_UNUSABLE",
      `The daemon cannot write in the database folder ${folder} (${code}); it keeps its lock file and SQLite's journal there. Give its user write access to that folder, or set database.url (POWERTOKEN_DATABASE_URL).`,
      { key: "database.url", cause: error },
    );
  }
  return error;
}

function parseHolder(text: string): LockContent | null {
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid !== "number" || typeof parsed.hostname !== "string") return null;
    return { pid: parsed.pid, hostname: parsed.hostname, replica: typeof parsed.replica === "string" ? parsed.replica : "unknown", since: typeof parsed.since === "string" ? parsed.since : "unknown" };
  } catch {
    return null; // empty or garbage
  }
}

function isAlive(holder: LockContent): boolean {
  if (holder.pid === process.pid) return false; // a previous run in this same process (tests)
  return isProcessAlive(holder.pid);
}

function locked(path: string, sqliteFile: string, holder: LockContent): DaemonError {
  return new DaemonError(
    "INSTANCE_LOCKED",
    `Another powertoken-daemon (pid ${holder.pid} on ${holder.hostname}, since ${holder.since}) already uses ${sqliteFile}. ` +
      `SQLite supports one daemon replica; run several only against PostgreSQL. If that process is gone, delete ${path}.`,
  );
}

function unreadable(path: string, sqliteFile: string): DaemonError {
  return new DaemonError(
    "INSTANCE_LOCKED",
    `${path} exists but names no process (empty or not a daemon lock), and is less than a minute old, so another daemon may be starting on ${sqliteFile}. ` +
      `Try again in a minute (an older unreadable lock is taken over), or delete it if no daemon uses this database.`,
  );
}
