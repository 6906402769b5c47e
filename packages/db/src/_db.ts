import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema/database.js";

/** Runs `fn` in a transaction, or inside the caller's when `db` already is one. */
export function inTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** `numUpdatedRows` and friends are bigint; counts here always fit a number. */
export function count(value: bigint | number | string | undefined | null): number {
  return Number(value ?? 0);
}
