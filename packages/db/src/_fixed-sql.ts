import { CompiledQuery, type Kysely } from "kysely";
import { dialectOf } from "./_dialect.js";
import { directSqliteOf, runDirect } from "./_sqlite-direct.js";
import type { Database } from "./schema/database.js";

/** One hot-path statement's text for each dialect: `?` placeholders on SQLite, `$n` on PostgreSQL. */
export interface FixedSql {
  sqlite: string;
  postgres: string;
}

/**
 * A statement written once as text (`?` placeholders), for the poll's per-participant hot path.
 * Building a query with kysely's builder costs more CPU than SQLite takes to run it (issue 14's
 * profiles: kysely ~15 % of a poll); fixed text skips the builder, and SQLite's statement cache
 * (see _sqlite.ts) reuses the prepared statement. Only for statements whose shape never varies.
 */
export function fixedSql(text: string): FixedSql {
  let n = 0;
  return { sqlite: text, postgres: text.replace(/\?/g, () => `$${(n += 1)}`) };
}

/**
 * Runs a {@link fixedSql} statement with its parameters, in order; returns the rows. On SQLite,
 * whenever kysely would run it at once anyway, it runs on the connection directly: kysely's
 * executor (connection checkout, query and result objects) cost more than the statement itself
 * (issue 14's profiles).
 */
export async function runFixed<R>(db: Kysely<Database>, statement: FixedSql, parameters: readonly unknown[]): Promise<R[]> {
  const direct = directSqliteOf(db);
  if (direct) return runDirect<R>(direct, statement.sqlite, parameters);
  const text = dialectOf(db) === "postgres" ? statement.postgres : statement.sqlite;
  return (await db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]))).rows;
}
