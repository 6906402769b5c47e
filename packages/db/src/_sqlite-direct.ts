import { CompiledQuery, type DialectAdapter, type Kysely, type SqliteDatabase } from "kysely";
import { mayRunAgain } from "./_sqlite-busy.js";
import type { Database } from "./schema/database.js";

/** A SQLite connection's statement cache (see _sqlite.ts) that also says whether a transaction is open. */
export interface CachedSqlite extends SqliteDatabase {
  readonly inTransaction: boolean;
}

/**
 * A SQLite connection's prepared statements, run without kysely's executor. better-sqlite3 runs
 * a statement synchronously, so one run now cannot interleave with anyone else's; what it must
 * not do is slip into a transaction another caller holds open between its awaits. Kysely keeps
 * that transaction's connection checked out meanwhile, so `inUse` (checked out, or waited for)
 * says when a statement on the plain `db` must queue behind kysely instead.
 */
export interface DirectSqlite {
  database: CachedSqlite;
  /** True while kysely has the connection checked out or a caller waits for it. */
  inUse(): boolean;
}

/** Where {@link runDirect} runs a statement: the connection, and the plain `db` when not in a transaction. */
export interface DirectTarget {
  database: CachedSqlite;
  /** The plain `db` (undefined inside a transaction): where a statement that met a lock queues to wait. */
  queue: Kysely<Database> | undefined;
  direct: Registered;
}

interface Registered extends DirectSqlite {
  /**
   * Direct statements that met a lock and now wait in kysely's queue. While one does, the others
   * queue too: each direct attempt may block for SQLite's busy slice, and many callers in one
   * tick would otherwise add their slices up into one long stall.
   */
  waiting: number;
}

// Keyed by the dialect's adapter: a Kysely instance and each of its transactions share it.
const directByAdapter = new WeakMap<DialectAdapter, Registered>();

/** Called by the SQLite dialect when Kysely creates its adapter. */
export function registerDirectSqlite(adapter: DialectAdapter, direct: DirectSqlite): void {
  directByAdapter.set(adapter, { ...direct, waiting: 0 });
}

/**
 * The connection to run a fixed statement on directly, when that is what kysely would do now:
 * inside a transaction (it holds the connection), or on the plain `db` while nobody else uses it.
 * Undefined on PostgreSQL, with plugins (they could rewrite the query or its rows), or while
 * kysely uses the connection for someone else: then the statement goes through kysely and waits.
 */
export function directSqliteOf(db: Kysely<Database>): DirectTarget | undefined {
  const executor = db.getExecutor();
  const direct = directByAdapter.get(executor.adapter);
  if (!direct || executor.plugins.length > 0) return undefined;
  if (db.isTransaction) return { database: direct.database, queue: undefined, direct };
  if (direct.inUse() || direct.waiting > 0) return undefined;
  return { database: direct.database, queue: db, direct };
}

/**
 * The rows of one statement run now on the target's connection (none for a statement that
 * returns none). On the plain `db`, a statement that met another process's write lock (SQLITE_BUSY
 * after SQLite's short busy slice, nothing applied) goes through kysely instead, which waits for
 * the lock without blocking the event loop and keeps the connection checked out meanwhile, so
 * no one's transaction can open on it under the statement. Inside a transaction an error is
 * never retried: it belongs to that transaction (see _sqlite-busy.ts).
 */
export function runDirect<R>(target: DirectTarget, text: string, parameters: readonly unknown[]): R[] | Promise<R[]> {
  const { database, queue, direct } = target;
  const before = database.inTransaction;
  try {
    const statement = database.prepare(text);
    if (statement.reader) return statement.all(parameters) as R[];
    statement.run(parameters);
    return [];
  } catch (error) {
    if (queue === undefined || !mayRunAgain(error, before, database, text)) throw error;
    direct.waiting += 1;
    return queue
      .executeQuery<R>(CompiledQuery.raw(text, [...parameters]))
      .then((result) => result.rows)
      .finally(() => {
        direct.waiting -= 1;
      });
  }
}
