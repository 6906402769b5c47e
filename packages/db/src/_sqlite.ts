import { closeSync, openSync, readSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver, type QueryResult } from "kysely";
import { busySliceMs, runWhileBusy } from "./_sqlite-busy.js";
import { registerDirectSqlite, type CachedSqlite } from "./_sqlite-direct.js";
import { damagedDatabaseError, quickCheckFailed, quickCheckSync } from "./_integrity.js";
import { dbErrorOf, isSqliteDamageCode } from "./driver-errors.js";
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

/**
 * Kysely's connection, with a wait for another process's write lock that does not block the
 * event loop: SQLite's own busy handler waits only a short slice (see openSqlite), and a
 * statement that may safely run again is retried after an asynchronous pause until the busy
 * timeout (_sqlite-busy.ts says when that is safe). While it waits the connection stays checked
 * out, so everyone else's queries and direct statements queue behind it as before.
 */
class BusyWaitingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    readonly database: CachedSqlite,
    readonly busyTimeoutMs: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return Promise.resolve(runWhileBusy(this.database, this.busyTimeoutMs, query.sql, () => this.inner.executeQuery<R>(query)));
  }

  // Only selects stream; rows already handed out could not be taken back, so no retry here.
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

type SqliteConfig = ConstructorParameters<typeof SqliteDialect>[0] & { database: CachedSqlite; busyTimeoutMs: number };

// Every transaction here writes. A deferred BEGIN reads first and upgrades to a write lock
// later; in WAL mode that upgrade fails at once with SQLITE_BUSY (no busy wait) when another
// connection committed in between. BEGIN IMMEDIATE takes the write lock up front, so concurrent
// writers wait (at BEGIN, where a retry is safe) instead of failing halfway.
// It also counts who has the connection checked out or waits for it: while nobody does, a fixed
// statement may run on it directly (see _sqlite-direct.ts).
class ImmediateSqliteDriver extends SqliteDriver {
  #users = 0;
  readonly #config: SqliteConfig;
  #connection: BusyWaitingConnection | undefined;

  constructor(config: SqliteConfig) {
    super(config);
    this.#config = config;
  }

  inUse(): boolean {
    return this.#users > 0;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    this.#users += 1;
    try {
      const inner = await super.acquireConnection();
      if (this.#connection?.inner !== inner) this.#connection = new BusyWaitingConnection(inner, this.#config.database, this.#config.busyTimeoutMs);
      return this.#connection;
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
  readonly #config: SqliteConfig;
  #driver: ImmediateSqliteDriver | undefined;
  constructor(config: SqliteConfig) {
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
export function withStatementCache(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE): CachedSqlite {
  const cache = new Map<string, Database.Statement>();
  return {
    // Whether a transaction is open, read before a statement runs: see _sqlite-busy.ts.
    get inTransaction() {
      return sqlite.inTransaction;
    },
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
async function checkMigrated(sqlite: Database.Database, busyTimeoutMs: number, missing: () => DbError): Promise<void> {
  const find = `select name from sqlite_master where type = 'table' and name in (${MIGRATOR_TABLES.map(() => "?").join(", ")})`;
  const rows = await runWhileBusy(sqlite, busyTimeoutMs, find, () => sqlite.prepare(find).all(...MIGRATOR_TABLES) as { name: string }[]);
  const present = new Set(rows.map((r) => r.name));
  if (!present.has("kysely_migration")) throw missing();
  for (const table of MIGRATOR_TABLES) {
    if (!present.has(table)) continue;
    const count = `select count(*) from "${table}"`;
    await runWhileBusy(sqlite, busyTimeoutMs, count, () => sqlite.prepare(count).get());
  }
}

/**
 * Opens (or creates) a SQLite file with WAL, a busy timeout and foreign keys on.
 * SQLite's own busy timeout is only a short slice: a longer wait for another process's lock
 * happens between attempts, without blocking the event loop (see _sqlite-busy.ts).
 */
export async function openSqlite(path: string, options: OpenSqliteOptions): Promise<SqliteDialect> {
  const { busyTimeoutMs } = options;
  const slice = busySliceMs(busyTimeoutMs);
  if (path !== ":memory:") checkExistingFile(path);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { timeout: slice });
  } catch (error) {
    throw new DbError("CONNECTION_FAILED", `Could not open the SQLite database at ${path}: ${(error as Error).message}. Check that its directory exists and is writable.`, { cause: error });
  }
  // Each step is a single statement in autocommit, so it may run again after SQLITE_BUSY.
  const step = (text: string, run: () => unknown) => runWhileBusy(sqlite, busyTimeoutMs, text, run);
  try {
    // Read before any write: a damaged file, or one that is not ours, fails here, before WAL mode
    // (which rewrites header bytes 18-19) would touch it.
    await step("select count(*) from sqlite_master", () => sqlite.prepare("select count(*) from sqlite_master").get());
    if (options.requireMigrated) await checkMigrated(sqlite, busyTimeoutMs, options.requireMigrated);
    await step("pragma journal_mode = WAL", () => sqlite.pragma("journal_mode = WAL"));
    await step("pragma synchronous = NORMAL", () => sqlite.pragma("synchronous = NORMAL"));
    await step("pragma foreign_keys = ON", () => sqlite.pragma("foreign_keys = ON"));
    sqlite.pragma(`busy_timeout = ${slice}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && isSqliteDamageCode(code)) {
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
  return new ImmediateSqliteDialect({ database: withStatementCache(sqlite), busyTimeoutMs: Math.max(0, Math.floor(busyTimeoutMs)) });
}
