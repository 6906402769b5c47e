import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * The file primitives of a single-holder lock, shared by the CLI's job lock and the daemon's
 * instance lock (each keeps its own content, staleness rule and messages).
 */

/**
 * Publishes `text` at `path` unless a file is there: written under a private name first and
 * hard-linked into place (`link` fails when the name exists), so the lock appears whole and two
 * takers can never both win, nor read a created-but-empty file and mistake it for a dead one.
 * @returns false when `path` already exists
 * @throws the file system's error for anything else (a missing or read-only folder)
 */
export function publishLockFile(path: string, text: string): boolean {
  const draft = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(draft, text, { flag: "wx", mode: 0o600 });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  } finally {
    removeLockFile(draft);
  }
}

/** The lock file's text, or null when there is none (or it cannot be read). */
export function readLockFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** How long ago the lock file was last written; infinite when it is gone (nothing to protect). */
export function lockFileAgeMs(path: string, now: Date): number {
  try {
    return Math.max(0, now.getTime() - statSync(path).mtimeMs);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Removes the file; one already gone is fine. */
export function removeLockFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to remove.
  }
}

/** Whether a process with this pid exists on this host (EPERM: it does, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
