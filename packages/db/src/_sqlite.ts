import { closeSync, openSync, readSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver, type SqliteDatabase } from "kysely";
import { registerDirectSqlite } from "./_sqlite-direct.js";
import { damagedDatabaseError, quickCheckFailed, quickCheckSync } from "./_integrity.js";
import { dbErrorOf } from "./driver-errors.js";
import { DbError } from "./errors.js";

const HEADER = "SQLite format 3\0";

/** Looks at the file before SQLite does, so a text file is refused, never turned into a database. */
function checkExistingFile(path: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      throw new DbError("NOT_A_DATABASE", `${path} is a directory, not a SQLite database file. Point database.url at a file inside it, e.g. ${path}/powertoken.db.`);
    }
    size = stat.size;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return; // created below
    throw error;
  }
  if (size === 0) return; // SQLite treats an empty file as an empty database
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(16);
    const read = readSync(fd, buffer, 0, 16, 0);
    if (read < 16 || buffer.toString("latin1") !== HEADER) {
      throw new DbError("NOT_A_DATABASE", `${path} exists but is not a SQLite database; it was left untouched. Check database.url, or move the file away to start a new database there.`);
    }
  } finally {
    closeSync(fd);
  }
}

// Every transaction here writes. A deferred BEGIN reads first and upgrades to a write lock
// later; in WAL mode that upgrade fails at once with SQLITE_BUSY (no busy wait) when another
// connection committed in between. BEGIN IMMEDIATE takes the write lock up front, so concurrent
// writers wait for the busy timeout instead of failing.
// It also counts who has the connection checked out or waits for it: while nobody does, a fixed
// statement may run on it directly (see _sqlite-direct.ts).
class ImmediateSqliteDriver extends SqliteDriver {
  #users = 0;

  inUse(): boolean {
    return this.#users > 0;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    this.#users += 1;
    try {
      return await super.acquireConnection();
    } catch (error) {
      this.#users -= 1;
      throw error;
    }
  }

  override async releaseConnection(): Promise<void> {
    try {
      await super.releaseConnection();
    } finally {
      this.#users -= 1;
    }
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SqliteDatabase };
  #driver: ImmediateSqliteDriver | undefined;
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0] & { database: SqliteDatabase }) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    this.#driver = new ImmediateSqliteDriver(this.#config);
    return this.#driver;
  }
  override createAdapter(): DialectAdapter {
    const adapter = super.createAdapter();
    const driver = this.#driver;
    if (driver) registerDirectSqlite(adapter, { database: this.#config.database, inUse: () => driver.inUse() });
    return adapter;
  }
}

/** How many prepared statements one connection keeps (the queries are a fixed set of shapes). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL was the largest single cost
 * of a poll. This reuses the prepared statement of the same SQL text (least recently used
 * dropped first). A statement still iterating (a stream) is never handed out twice.
 */
export function withStatementCache(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      cache.delete(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

/** What `openSqlite` takes besides the path. */
export interface OpenSqliteOptions {
  busyTimeoutMs: number;
  /**
   * Refuse a database PowerToken never migrated: the error to throw when kysely's migration
   * table is missing. Checked before anything is written, so a refused file stays byte-identical.
   */
  requireMigrated?: () => DbError;
}

// The migrator reads (and locks) these first on every start; a damaged page in them would
// otherwise surface from inside the migrator, worded as a migration that did not run.
const MIGRATOR_TABLES = ["kysely_migration", "kysely_migration_lock"] as const;

/** Throws `missing()` unless kysely's migration table exists; reads the migrator's tables through. */
function checkMigrated(sqlite: Database.Database, missing: () => DbError): void {
  const present = new Set(
    (sqlite.prepare(`select name from sqlite_master where type = 'table' and name in (${MIGRATOR_TABLES.map(() => "?").join(", ")})`).all(...MIGRATOR_TABLES) as { name: string }[]).map((r) => r.name),
  );
  if (!present.has("kysely_migration")) throw missing();
  for (const table of MIGRATOR_TABLES) if (present.has(table)) sqlite.prepare(`select count(*) from "${table}"`).get();
}

/** Opens (or creates) a SQLite file with WAL, a busy timeout and foreign keys on. */
export function openSqlite(path: string, options: OpenSqliteOptions): SqliteDialect {
  const { busyTimeoutMs } = options;
  if (path !== ":memory:") checkExistingFile(path);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { timeout: busyTimeoutMs });
  } catch (error) {
    throw new DbError("CONNECTION_FAILED", `Could not open the SQLite database at ${path}: ${(error as Error).message}. Check that its directory exists and is writable.`, { cause: error });
  }
  try {
    // Read before any write: a damaged file, or one that is not ours, fails here, before WAL mode
    // (which rewrites header bytes 18-19) would touch it.
    sqlite.prepare("select count(*) from sqlite_master").get();
    if (options.requireMigrated) checkMigrated(sqlite, options.requireMigrated);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && /^SQLITE_(NOTADB|CORRUPT)/.test(code)) {
      // Rare and about to fail anyway: worth reading the whole file to name the first damaged page.
      let check = quickCheckSync((text) => sqlite.prepare(text).all() as { quick_check?: unknown }[]);
      if (check.problems.length === 0) check = quickCheckFailed(error); // the pages read fine, the query did not
      sqlite.close();
      throw damagedDatabaseError(path, check, error);
    }
    sqlite.close();
    if (error instanceof DbError) throw error;
    const busy = dbErrorOf(error, path);
    if (busy) throw busy;
    throw new DbError("CONNECTION_FAILED", `Could not prepare the SQLite database at ${path} (${code ?? "unknown error"}). Check file permissions and free disk space.`, { cause: error });
  }
  // Kysely's destroy() closes this connection.
  return new ImmediateSqliteDialect({ database: withStatementCache(sqlite) });
}
