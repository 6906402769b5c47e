import { Migrator, NO_MIGRATIONS, sql, type Kysely, type MigrationResult } from "kysely";
import { dialectOf } from "./_dialect.js";
import { withSchemaLocalIntrospection } from "./_schema-local-introspection.js";
import { DbError } from "./errors.js";
import { migrations } from "./migrations/index.js";

/** One migration's state. */
export interface MigrationInfo {
  name: string;
  /** When it ran, or null while pending. */
  executedAt: Date | null;
}

/** The outcome of a migration run. */
export interface MigrateResult {
  /** Names applied (or reverted) by this call, in order; empty when already up to date. */
  applied: string[];
}

/** Every migration this version of the package knows, oldest first. */
export const migrationNames: readonly string[] = Object.keys(migrations).sort();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
async function createMigrator(db: Kysely<any>): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with a
  // search_path per deployment (or per test file) another schema's tables would fool it.
  let migrationTableSchema: string | undefined;
  if (dialectOf(db) === "postgres") {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  const introspected = migrationTableSchema === undefined ? db : withSchemaLocalIntrospection(db, migrationTableSchema);
  return new Migrator({ db: introspected, migrationTableSchema, provider: { getMigrations: () => Promise.resolve(migrations) } });
}

function check(error: unknown, results: MigrationResult[] | undefined): MigrateResult {
  const failed = results?.find((r) => r.status === "Error");
  if (error !== undefined || failed) {
    // A damaged file or a held lock is not a migration problem: running `db migrate` again would not help.
    const driverCode = (error as { code?: unknown } | undefined)?.code;
    if (driverCode === "SQLITE_CORRUPT" || driverCode === "SQLITE_NOTADB") {
      throw new DbError("NOT_A_DATABASE", `The database is damaged (${driverCode}); nothing was migrated. Restore it from a backup (\`powertoken db status\` reports it too).`, { cause: error });
    }
    if (typeof driverCode === "string" && /^SQLITE_(BUSY|LOCKED)/.test(driverCode)) {
      throw new DbError("BUSY", `Another process holds the database's write lock (${driverCode}); nothing was migrated. Wait for it to finish and run again.`, { cause: error });
    }
    const which = failed ? `migration ${failed.migrationName}` : "the migration run";
    const reason = error instanceof Error ? error.message : String(error);
    throw new DbError(
      "MIGRATION_FAILED",
      `Database ${which} failed: ${reason.slice(0, 300)}. Nothing after it ran; fix the cause (disk, permissions, a hand-edited schema) and run \`powertoken db migrate\` again.`,
      { cause: error },
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}

/**
 * Brings the schema up to the newest migration; safe to call on every start.
 * @throws DbError MIGRATION_FAILED
 * @example await migrateToLatest(handle.db);
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts Kysely<Database> or an untyped instance
export async function migrateToLatest(db: Kysely<any>): Promise<MigrateResult> {
  const { error, results } = await (await createMigrator(db)).migrateToLatest();
  return check(error, results);
}

/**
 * Migrates up or down to the named migration (`null` = before the first), for upgrade tests and rollbacks.
 * @throws DbError MIGRATION_FAILED, INVALID_INPUT for an unknown name
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
export async function migrateTo(db: Kysely<any>, name: string | null): Promise<MigrateResult> {
  if (name !== null && !migrationNames.includes(name)) {
    throw new DbError("INVALID_INPUT", `Unknown migration "${name}". Known: ${migrationNames.join(", ")}.`);
  }
  const { error, results } = await (await createMigrator(db)).migrateTo(name ?? NO_MIGRATIONS);
  return check(error, results);
}

/**
 * Every known migration with when it ran (null = pending).
 * @throws DbError CONNECTION_FAILED when the database cannot be read
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
export async function migrationStatus(db: Kysely<any>): Promise<MigrationInfo[]> {
  try {
    const infos = await (await createMigrator(db)).getMigrations();
    return infos.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
  } catch (error) {
    throw new DbError("CONNECTION_FAILED", "Could not read the migration state of the database. Check that it is reachable and readable.", { cause: error });
  }
}
