/** What went wrong, for callers to `switch` on; the message says what to do about it. */
export type DbErrorCode =
  | "NOT_A_DATABASE" // the SQLite path holds something else (text, damaged file); left untouched
  | "DATABASE_MISSING" // `create: false` and there is no database yet (no file, an empty file, no PowerToken tables)
  | "BUSY" // another process holds the SQLite write lock longer than the busy timeout
  | "CONNECTION_FAILED" // the file cannot be opened, or PostgreSQL cannot be reached / rejected us
  | "DRIVER_MISSING" // a postgres URL without the optional `pg` package installed
  | "MIGRATION_FAILED" // a migration threw; the failed one was rolled back where the dialect allows
  | "KEY_MISSING" // a token had to be encrypted or decrypted but no key was configured
  | "KEY_INVALID" // the configured key is not base64 of 32 bytes, or its id is malformed
  | "KEY_MISMATCH" // the ciphertext names a key id that is not configured
  | "DECRYPT_FAILED" // right key id, but authentication failed: wrong key bytes, tampered or moved ciphertext
  | "NOT_FOUND"
  | "CONFLICT" // a unique name is taken
  | "INVALID_INPUT"; // a value the schema would reject (bad date, weight out of 1..5, unknown activity)

type DbErrorExtra = { cause?: unknown; table?: string; details?: readonly string[] };

/** The one error class of `@powertoken/db`; branch on `code`, never on the message. */
export class DbError extends Error {
  override readonly name = "DbError";
  readonly code: DbErrorCode;
  /** The table involved, when there is one. */
  readonly table: string | undefined;
  /**
   * More lines than the one-line message should carry (e.g. every problem SQLite's integrity
   * check listed); for `--json` output and logs, empty when there are none.
   */
  readonly details: readonly string[];
  constructor(code: DbErrorCode, message: string, extra: DbErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.table = extra.table;
    this.details = extra.details ?? [];
  }
}

const CODES: ReadonlySet<string> = new Set<DbErrorCode>([
  "NOT_A_DATABASE",
  "DATABASE_MISSING",
  "BUSY",
  "CONNECTION_FAILED",
  "DRIVER_MISSING",
  "MIGRATION_FAILED",
  "KEY_MISSING",
  "KEY_INVALID",
  "KEY_MISMATCH",
  "DECRYPT_FAILED",
  "NOT_FOUND",
  "CONFLICT",
  "INVALID_INPUT",
]);

/**
 * True for a `DbError`, also one thrown by a second copy of this package (ESM and CJS loaded
 * together), so it checks `name` and `code` rather than `instanceof` alone.
 * @example if (isDbError(e) && e.code === "NOT_FOUND") return null;
 */
export function isDbError(error: unknown): error is DbError {
  if (error instanceof DbError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === "DbError" && typeof code === "string" && CODES.has(code);
}
