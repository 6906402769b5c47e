import type { DialectAdapter, Kysely } from "kysely";
import type { SqliteDatabase } from "kysely";
import type { Database } from "./schema/database.js";

/**
 * A SQLite connection's prepared statements, run without kysely's executor. better-sqlite3 runs
 * a statement synchronously, so one run now cannot interleave with anyone else's; what it must
 * not do is slip into a transaction another caller holds open between its awaits. Kysely keeps
 * that transaction's connection checked out meanwhile, so `inUse` (checked out, or waited for)
 * says when a statement on the plain `db` must queue behind kysely instead.
 */
export interface DirectSqlite {
  database: SqliteDatabase;
  /** True while kysely has the connection checked out or a caller waits for it. */
  inUse(): boolean;
}

// Keyed by the dialect's adapter: a Kysely instance and each of its transactions share it.
const directByAdapter = new WeakMap<DialectAdapter, DirectSqlite>();

/** Called by the SQLite dialect when Kysely creates its adapter. */
export function registerDirectSqlite(adapter: DialectAdapter, direct: DirectSqlite): void {
  directByAdapter.set(adapter, direct);
}

/**
 * The connection to run a fixed statement on directly, when that is what kysely would do now:
 * inside a transaction (it holds the connection), or on the plain `db` while nobody else uses it.
 * Undefined on PostgreSQL, with plugins (they could rewrite the query or its rows), or while
 * kysely uses the connection for someone else: then the statement goes through kysely and waits.
 */
export function directSqliteOf(db: Kysely<Database>): SqliteDatabase | undefined {
  const executor = db.getExecutor();
  const direct = directByAdapter.get(executor.adapter);
  if (!direct || executor.plugins.length > 0) return undefined;
  if (!db.isTransaction && direct.inUse()) return undefined;
  return direct.database;
}

/** The rows of one statement run now on `database` (none for a statement that returns none). */
export function runDirect<R>(database: SqliteDatabase, text: string, parameters: readonly unknown[]): R[] {
  const statement = database.prepare(text);
  if (statement.reader) return statement.all(parameters) as R[];
  statement.run(parameters);
  return [];
}
