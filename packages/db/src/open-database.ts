import { statSync } from "node:fs";
import { Kysely, sql } from "kysely";
import type { DialectName } from "./_dialect.js";
import { openPostgres } from "./_postgres.js";
import { openSqlite } from "./_sqlite.js";
import { redactUrl } from "./_url.js";
import { parseDatabaseUrl } from "./database-url.js";
import { damagedDatabaseError, quickCheckAsync } from "./_integrity.js";
import { dbErrorOf, isSqliteLockCode, sqliteBusyError } from "./driver-errors.js";
import { DbError } from "./errors.js";
import { checkEncryptionKeys, type EncryptionKeys } from "./encryption-keys.js";
import type { Database } from "./schema/database.js";

/** What `openDatabase` takes. */
export interface OpenDatabaseOptions {
  /** A SQLite file path, `sqlite:path`, `file:path`, `:memory:`, or `postgres(ql)://user:pass@host/db` (see `parseDatabaseUrl`). */
  url: string;
  /** Directory a relative SQLite path is resolved against. @default process.cwd() */
  cwd?: string;
  /** Token encryption keys; needed only by functions that read or write tokens. */
  keys?: EncryptionKeys;
  /** PostgreSQL: schema to create (if missing) and use as `search_path`. */
  schema?: string;
  /** PostgreSQL: pool size. @default 10 */
  poolSize?: number;
  /** PostgreSQL: connection timeout in milliseconds. @default 5_000 */
  connectTimeoutMs?: number;
  /** SQLite: how long to wait for another writer's lock, in milliseconds. @default 5_000 */
  busyTimeoutMs?: number;
  /**
   * Create the database when there is none (a new SQLite file, a missing PostgreSQL schema).
   * Jobs pass `false`: a deleted or zero-byte file must be reported, not silently replaced by an
   * empty database that then "polls 0 of 0" forever. @default true
   */
  create?: boolean;
}

/** An open database. */
export interface DatabaseHandle {
  /** The typed query builder; pass it (or a transaction of it) to every query function. */
  db: Kysely<Database>;
  dialect: DialectName;
  /** The keys given to `openDatabase`, for the token functions. */
  keys: EncryptionKeys | undefined;
  /** The URL with any password replaced by `***`, safe to print. */
  redactedUrl: string;
  /** Closes the connection (pool). */
  close(): Promise<void>;
}

/**
 * Opens a SQLite file (created if missing, unless `create: false`; WAL, busy timeout, foreign
 * keys on) or a PostgreSQL pool. It does not migrate: call `migrateToLatest(handle.db)`. With
 * `create: false` the database must exist and hold PowerToken's migration table; a SQLite file
 * refused for that (or for damaged pages) is left byte-identical.
 * @throws DbError INVALID_INPUT, NOT_A_DATABASE, DATABASE_MISSING, BUSY, CONNECTION_FAILED, DRIVER_MISSING, KEY_INVALID
 * @example
 * const handle = await openDatabase({ url: "powertoken.db", keys: { current: { id: "k1", key } } });
 * await migrateToLatest(handle.db);
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const keys = checkEncryptionKeys(options.keys);
  const parsed = parseDatabaseUrl(options.url, { cwd: options.cwd });
  if (parsed.dialect === "postgres") {
    const dialect = await openPostgres({
      url: parsed.url,
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      schema: options.schema,
      createSchema: options.create ?? true,
    });
    const db = new Kysely<Database>({ dialect });
    const handle: DatabaseHandle = { db, dialect: "postgres", keys, redactedUrl: redactUrl(parsed.url), close: () => db.destroy() };
    if (options.create === false) await requireMigrated(handle);
    return handle;
  }
  if (options.create === false) requireSqliteFile(parsed.path);
  // A database we refuse must stay byte-identical, so the migration table is looked for inside
  // openSqlite, before WAL mode is switched on (that rewrites the header).
  const dialect = await openSqlite(parsed.path, {
    busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
    ...(options.create === false ? { requireMigrated: () => neverMigrated(parsed.path) } : {}),
  });
  const db = new Kysely<Database>({ dialect });
  return { db, dialect: "sqlite", keys, redactedUrl: parsed.path, close: () => db.destroy() };
}

const CREATE_HINT = "Create it with `powertoken db migrate` (or `powertoken init` for a new study); jobs never create one.";

/** Refuses a missing or zero-byte SQLite file before SQLite would turn it into a new database. */
function requireSqliteFile(path: string): void {
  if (path === ":memory:") return;
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") throw new DbError("DATABASE_MISSING", `There is no database file at ${path}. ${CREATE_HINT}`);
    throw error;
  }
  if (size === 0) throw new DbError("DATABASE_MISSING", `The database file ${path} is empty (0 bytes), so it holds no PowerToken data. Restore it from a backup, or ${CREATE_HINT.charAt(0).toLowerCase()}${CREATE_HINT.slice(1)}`);
}

/** A database without kysely's migration table was never set up by PowerToken. */
function neverMigrated(where: string): DbError {
  return new DbError("DATABASE_MISSING", `${where} holds no PowerToken tables (never migrated). ${CREATE_HINT}`);
}

/** PostgreSQL: refuses a schema without kysely's migration table (SQLite checks inside openSqlite). */
async function requireMigrated(handle: DatabaseHandle): Promise<void> {
  const query = sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'`;
  const { rows } = await query.execute(handle.db).catch(async (error: unknown) => {
    await handle.close();
    throw dbErrorOf(error, handle.redactedUrl) ?? error;
  });
  if (Number(rows[0]?.n ?? 0) > 0) return;
  await handle.close();
  throw neverMigrated(handle.redactedUrl);
}

/**
 * Takes the write lock once and gives it back, so a job learns at its start (within the busy
 * timeout) that another process holds the SQLite database, instead of every participant failing
 * with a driver error later. PostgreSQL has row locks only: this is a cheap round trip there.
 * @throws DbError BUSY; NOT_A_DATABASE when the commit meets a damaged page
 * @example await checkWritable(handle);
 */
export async function checkWritable(handle: DatabaseHandle): Promise<void> {
  try {
    await handle.db.transaction().execute(async () => undefined);
  } catch (error) {
    throw dbErrorOf(error, handle.redactedUrl) ?? error;
  }
}

/**
 * The `DbError` BUSY for SQLite's "database is locked" error (SQLITE_BUSY / SQLITE_LOCKED), else
 * undefined. `dbErrorOf` recognises this and more (damaged pages, PostgreSQL's codes).
 * @example const busy = busyErrorOf(error, handle.redactedUrl); if (busy) throw busy;
 */
export function busyErrorOf(error: unknown, where: string): DbError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !isSqliteLockCode(code)) return undefined;
  return sqliteBusyError(code, where, error);
}

/**
 * SQLite's `quick_check` (every page readable, indexes consistent; reads the whole file, so for
 * `db status`, not for every job): nothing when the database is sound.
 * PostgreSQL checks its own pages; there this resolves at once.
 * @throws DbError NOT_A_DATABASE in one line: the file, how many problems, the first; all of them in `details`
 * @example await checkIntegrity(handle);
 */
export async function checkIntegrity(handle: DatabaseHandle): Promise<void> {
  if (handle.dialect !== "sqlite") return;
  const check = await quickCheckAsync(async (text) => (await sql.raw<{ quick_check: string }>(text).execute(handle.db)).rows);
  if (check.problems.length === 0) return;
  throw damagedDatabaseError(handle.redactedUrl, check);
}
