import { Migrator, NO_MIGRATIONS, sql, type Kysely, type MigrationResult } from "kysely";
import { dialectOf } from "./_dialect.js";
import { withSchemaLocalIntrospection } from "./_schema-local-introspection.js";
import { dbErrorOf } from "./driver-errors.js";
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

/** Where kysely keeps its bookkeeping: `migrationTableSchema` is undefined on SQLite. */
interface MigratorSetup {
  migrator: Migrator;
  migrationTableSchema: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
async function createMigrator(db: Kysely<any>): Promise<MigratorSetup> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with a
  // search_path per deployment (or per test file) another schema's tables would fool it.
  let migrationTableSchema: string | undefined;
  if (dialectOf(db) === "postgres") {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  const introspected = migrationTableSchema === undefined ? db : withSchemaLocalIntrospection(db, migrationTableSchema);
  const migrator = new Migrator({ db: introspected, migrationTableSchema, provider: { getMigrations: () => Promise.resolve(migrations) } });
  return { migrator, migrationTableSchema };
}

/**
 * The applied migrations this build does not know: a newer PowerToken migrated the database.
 * Read before migrating because kysely would refuse them as "corrupted migrations", which sends
 * the operator looking for disk damage instead of at the version they run.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see createMigrator
async function unknownAppliedMigrations(db: Kysely<any>, schema: string | undefined): Promise<string[]> {
  const exists =
    schema === undefined
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`
      : sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = ${schema} and table_name = 'kysely_migration'`;
  if (Number((await exists.execute(db)).rows[0]?.n ?? 0) === 0) return [];
  const table = schema === undefined ? sql.table("kysely_migration") : sql.table(`${schema}.kysely_migration`);
  const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
  const known = new Set(migrationNames);
  return rows.map((row) => row.name).filter((name) => !known.has(name)).sort();
}

/** The refusal for a database a newer PowerToken migrated; nothing has been changed. */
function tooNewError(unknown: readonly string[]): DbError {
  const listed = unknown.length > 3 ? `${unknown.slice(0, 3).join(", ")} and ${unknown.length - 3} more` : unknown.join(", ");
  return new DbError(
    "MIGRATION_FAILED",
    `This database was migrated by a newer PowerToken (applied migrations this version does not know: ${listed}); nothing was migrated. Run that newer version, or restore a backup taken before the upgrade.`,
    { details: unknown },
  );
}

/** The file a SQLite connection has open, to name it in an error; undefined on PostgreSQL or when it cannot be read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see createMigrator
async function sqliteFileOf(db: Kysely<any>): Promise<string | undefined> {
  if (dialectOf(db) !== "sqlite") return undefined;
  try {
    // pragma_database_list reads the connection, not the file's pages: it works on a damaged file too.
    const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    const file = rows[0]?.file;
    return file ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs one migrator call with the checks around it: a database migrated by a newer version is
 * refused before anything runs, and a held lock or a damaged page (met by the check or by a
 * migration) is reported as db's BUSY / NOT_A_DATABASE naming the file, as `openDatabase` does.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see createMigrator
async function runMigrator(db: Kysely<any>, run: (migrator: Migrator) => Promise<{ error?: unknown; results?: MigrationResult[] }>): Promise<MigrateResult> {
  let outcome: { error?: unknown; results?: MigrationResult[] };
  try {
    const { migrator, migrationTableSchema } = await createMigrator(db);
    const unknown = await unknownAppliedMigrations(db, migrationTableSchema);
    if (unknown.length > 0) throw tooNewError(unknown);
    outcome = await run(migrator);
  } catch (error) {
    throw dbErrorOf(error, await sqliteFileOf(db)) ?? error;
  }
  return check(outcome.error, outcome.results, await (outcome.error === undefined ? undefined : sqliteFileOf(db)));
}

function check(error: unknown, results: MigrationResult[] | undefined, where: string | undefined): MigrateResult {
  const failed = results?.find((r) => r.status === "Error");
  if (error !== undefined || failed) {
    // A damaged file or a held lock is not a migration problem: running `db migrate` again would not help.
    const driverError = dbErrorOf(error, where);
    if (driverError) throw driverError;
    const which = failed ? `Migration ${failed.migrationName}` : "The migration run";
    const reason = error instanceof Error ? error.message : String(error);
    throw new DbError(
      "MIGRATION_FAILED",
      `${which} failed: ${reason.replace(/\s+/g, " ").slice(0, 300)}. Nothing after it ran; fix the cause (disk, permissions, a hand-edited schema) and run \`powertoken db migrate\` again.`,
      { cause: error },
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}

/**
 * Brings the schema up to the newest migration; safe to call on every start. A database migrated
 * by a newer PowerToken (applied migrations this version does not know) is refused before
 * anything runs, with MIGRATION_FAILED naming them (also in `details`).
 * @throws DbError MIGRATION_FAILED; BUSY / NOT_A_DATABASE (naming the SQLite file) for a held lock or a damaged page
 * @example await migrateToLatest(handle.db);
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts Kysely<Database> or an untyped instance
export async function migrateToLatest(db: Kysely<any>): Promise<MigrateResult> {
  return runMigrator(db, (migrator) => migrator.migrateToLatest());
}

/**
 * Migrates up or down to the named migration (`null` = before the first), for upgrade tests and rollbacks.
 * @throws DbError MIGRATION_FAILED (also for a database a newer version migrated), BUSY, NOT_A_DATABASE, INVALID_INPUT for an unknown name
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
export async function migrateTo(db: Kysely<any>, name: string | null): Promise<MigrateResult> {
  if (name !== null && !migrationNames.includes(name)) {
    throw new DbError("INVALID_INPUT", `Unknown migration "${name}". Known: ${migrationNames.join(", ")}.`);
  }
  return runMigrator(db, (migrator) => migrator.migrateTo(name ?? NO_MIGRATIONS));
}

/**
 * The applied migrations this version does not know, sorted: not empty when a newer PowerToken
 * migrated the database (`migrateToLatest` then refuses it). For `db status`.
 * @throws DbError CONNECTION_FAILED when the database cannot be read; BUSY / NOT_A_DATABASE for a driver error `dbErrorOf` knows
 * @example if ((await newerMigrations(handle.db)).length > 0) …
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
export async function newerMigrations(db: Kysely<any>): Promise<string[]> {
  try {
    return await unknownAppliedMigrations(db, (await createMigrator(db)).migrationTableSchema);
  } catch (error) {
    throw dbErrorOf(error, await sqliteFileOf(db)) ?? new DbError("CONNECTION_FAILED", "Could not read the migration state of the database. Check that it is reachable and readable.", { cause: error });
  }
}

/**
 * Every known migration with when it ran (null = pending).
 * @throws DbError CONNECTION_FAILED when the database cannot be read
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrateToLatest
export async function migrationStatus(db: Kysely<any>): Promise<MigrationInfo[]> {
  try {
    const infos = await (await createMigrator(db)).migrator.getMigrations();
    return infos.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
  } catch (error) {
    throw new DbError("CONNECTION_FAILED", "Could not read the migration state of the database. Check that it is reachable and readable.", { cause: error });
  }
}
