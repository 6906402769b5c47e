import { Kysely } from "kysely";
import type { DialectName } from "./_dialect.js";
import { openPostgres } from "./_postgres.js";
import { openSqlite } from "./_sqlite.js";
import { redactUrl } from "./_url.js";
import { parseDatabaseUrl } from "./database-url.js";
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
 * Opens a SQLite file (created if missing; WAL, busy timeout, foreign keys on) or a PostgreSQL
 * pool. It does not migrate: call `migrateToLatest(handle.db)`.
 * @throws DbError INVALID_INPUT, NOT_A_DATABASE, CONNECTION_FAILED, DRIVER_MISSING, KEY_INVALID
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
    });
    const db = new Kysely<Database>({ dialect });
    return { db, dialect: "postgres", keys, redactedUrl: redactUrl(parsed.url), close: () => db.destroy() };
  }
  const dialect = openSqlite(parsed.path, options.busyTimeoutMs ?? 5_000);
  const db = new Kysely<Database>({ dialect });
  return { db, dialect: "sqlite", keys, redactedUrl: parsed.path, close: () => db.destroy() };
}
