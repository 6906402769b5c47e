import { CompiledQuery, PostgresDialect } from "kysely";
import type * as Pg from "pg";
import { DbError } from "./errors.js";
import { redactUrl } from "./_url.js";

type PgModule = typeof Pg;

async function loadPg(): Promise<PgModule> {
  try {
    const mod = (await import("pg")) as PgModule & { default?: PgModule };
    return mod.default ?? mod;
  } catch (error) {
    throw new DbError("DRIVER_MISSING", "A postgres:// database URL needs the optional `pg` package, which is not installed. Add it next to @powertoken/db (`pnpm add pg` or `npm install pg`), or use a SQLite file path.", { cause: error });
  }
}

/** What `openPostgres` needs. */
export interface PostgresOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  schema: string | undefined;
  /** Create the schema when it is missing; otherwise a missing schema is DATABASE_MISSING. */
  createSchema: boolean;
}

/** Connects a pool, checks one connection, and sets the search path on each. */
export async function openPostgres(options: PostgresOptions): Promise<PostgresDialect> {
  const shown = redactUrl(options.url);
  if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.schema)) {
    throw new DbError("INVALID_INPUT", `Schema name "${options.schema.slice(0, 70)}" must be letters, digits and '_' (at most 63).`);
  }
  const pg = await loadPg();
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, connectionTimeoutMillis: options.connectTimeoutMs });
  // An idle client's error (server restart) would otherwise crash the process.
  pool.on("error", () => undefined);
  let schemaMissing = false;
  try {
    const client = await pool.connect();
    try {
      if (options.schema && options.createSchema) await client.query(`create schema if not exists "${options.schema}"`);
      else if (options.schema) {
        const found = await client.query("select 1 from information_schema.schemata where schema_name = $1", [options.schema]);
        schemaMissing = found.rowCount === 0;
      }
    } finally {
      client.release();
    }
  } catch (error) {
    // The connect error is the one to report; ending a pool that never connected has nothing to add.
    await pool.end().catch(() => undefined);
    const code = (error as { code?: string }).code ?? "no response";
    // No cause: pg's errors can carry the connection parameters.
    throw new DbError("CONNECTION_FAILED", `Could not connect to PostgreSQL at ${shown} (${code}). Check that the server is running and reachable, and the user, password and database in the URL.`);
  }
  if (schemaMissing) {
    await pool.end().catch(() => undefined);
    throw new DbError("DATABASE_MISSING", `PostgreSQL at ${shown} has no schema "${options.schema ?? ""}", so there is no PowerToken database there yet. Create it with \`powertoken db migrate\` (or \`powertoken init\`); jobs never create one.`);
  }
  const schema = options.schema;
  // Kysely's destroy() ends this pool.
  return new PostgresDialect({
    pool,
    onCreateConnection: schema ? (c) => c.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`)).then(() => undefined) : undefined,
  });
}
