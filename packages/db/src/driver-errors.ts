import { DbError } from "./errors.js";

// The drivers' codes we can name a remedy for. Anything else (a constraint, a syntax error, a full
// disk) is left to its caller: guessing would hide the real message.
const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/; // includes SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE, …
const SQLITE_DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/; // includes SQLITE_CORRUPT_INDEX, SQLITE_CORRUPT_VTAB, …
const PG_LOCK_NOT_AVAILABLE = "55P03"; // lock_timeout or NOWAIT: another session holds the row or table
const PG_DATA_CORRUPTED = "XX001";
const PG_INDEX_CORRUPTED = "XX002";

/** True for SQLite's lock codes (SQLITE_BUSY*, SQLITE_LOCKED*): another connection holds the lock. */
export function isSqliteLockCode(code: string): boolean {
  return SQLITE_BUSY.test(code);
}

/** True for SQLite's damaged-file codes (SQLITE_CORRUPT*, SQLITE_NOTADB). */
export function isSqliteDamageCode(code: string): boolean {
  return SQLITE_DAMAGED.test(code);
}

/** The driver code of an error, or of the first error in its `cause` chain that has one. */
function driverCodeOf(error: unknown): { code: string; error: unknown } | undefined {
  let current = error;
  // A few levels are enough: our own wrappers add one; a cycle must not loop forever.
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (SQLITE_BUSY.test(code) || SQLITE_DAMAGED.test(code) || code === PG_LOCK_NOT_AVAILABLE || code === PG_DATA_CORRUPTED || code === PG_INDEX_CORRUPTED)) {
      return { code, error: current };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The driver code `dbErrorOf` recognised in `error` or its `cause` chain (e.g. `SQLITE_BUSY`,
 * `55P03`), else undefined: for callers that word the typed error their own way.
 * @example driverErrorCode(error)?.startsWith("SQLITE_")
 */
export function driverErrorCode(error: unknown): string | undefined {
  return driverCodeOf(error)?.code;
}

/** The BUSY error for SQLite's lock codes; `busyErrorOf` and `dbErrorOf` share its wording. */
export function sqliteBusyError(code: string, where: string | undefined, cause: unknown): DbError {
  const target = where ?? "the SQLite database";
  const find = where === undefined ? "with `fuser` on the database file" : `with \`fuser ${where}\``;
  return new DbError("BUSY", `Another process holds the write lock on ${target} (${code}) for longer than the busy timeout. Wait for it to finish (or find it ${find}) and run again.`, { cause });
}

/**
 * The typed `DbError` for a driver error that has a known remedy, else undefined:
 * SQLite's SQLITE_BUSY* / SQLITE_LOCKED* (another process holds the write lock) → `BUSY`;
 * SQLITE_CORRUPT* / SQLITE_NOTADB (damaged pages) → `NOT_A_DATABASE`; PostgreSQL's 55P03
 * lock_not_available → `BUSY`, XX001 data_corrupted / XX002 index_corrupted → `NOT_A_DATABASE`.
 * Looks through `cause` too. A `DbError` passed in is not a driver error: undefined.
 * `where` names the database in the message (a file path or redacted URL; never a password).
 * @example catch (error) { throw dbErrorOf(error, handle.redactedUrl) ?? error; }
 */
export function dbErrorOf(error: unknown, where?: string): DbError | undefined {
  if (error instanceof DbError || (error as { name?: unknown } | null)?.name === "DbError") return undefined;
  const found = driverCodeOf(error);
  if (found === undefined) return undefined;
  const { code } = found;
  if (SQLITE_BUSY.test(code)) return sqliteBusyError(code, where, error);
  if (SQLITE_DAMAGED.test(code)) {
    return new DbError(
      "NOT_A_DATABASE",
      `${where ?? "The SQLite database"} is damaged (${code}): SQLite cannot read some of its pages. Restore it from a backup (\`powertoken db status\` names the first damaged page); running migrations again will not repair it.`,
      { cause: error },
    );
  }
  const target = where ?? "the PostgreSQL database";
  if (code === PG_LOCK_NOT_AVAILABLE) {
    return new DbError("BUSY", `Another session holds a lock on ${target} that was not released in time (55P03 lock_not_available). Wait for it to finish (pg_stat_activity shows it) and run again.`, { cause: error });
  }
  if (code === PG_INDEX_CORRUPTED) {
    return new DbError("NOT_A_DATABASE", `PostgreSQL reports a damaged index in ${target} (XX002 index_corrupted). Rebuild it with REINDEX, or restore from a backup.`, { cause: error });
  }
  return new DbError("NOT_A_DATABASE", `PostgreSQL reports damaged data in ${target} (XX001 data_corrupted). Restore it from a backup.`, { cause: error });
}
