import { migrateToLatest, openDatabase, parseEncryptionKey, type DatabaseHandle, type EncryptionKeys } from "@powertoken/db";
import type { PowerTokenConfig } from "../config/schema.js";

/** What {@link openConfiguredDatabase} takes besides the config. */
export interface OpenConfiguredDatabaseOptions {
  /** Run pending migrations after opening. @default false */
  migrate?: boolean;
  /** PostgreSQL schema (tests use one per file). @default config.database.schema */
  schema?: string;
  /**
   * Create the database when there is none. Jobs and read-only commands pass `false`, so a deleted
   * or zero-byte SQLite file is reported (db's DATABASE_MISSING) instead of becoming an empty
   * database; only setup (`init`, `db migrate`) creates one. @default true
   */
  create?: boolean;
}

/** The token keys the config names, or undefined when none is set (work that touches no token still runs). */
export function encryptionKeysFromConfig(config: PowerTokenConfig): EncryptionKeys | undefined {
  if (config.encryption.key === undefined) return undefined;
  return {
    current: { id: config.encryption.keyId, key: parseEncryptionKey(config.encryption.key) },
    previous: config.encryption.previousKeys.map((k) => ({ id: k.id, key: parseEncryptionKey(k.key) })),
  };
}

/**
 * Open the configured database: URL, PostgreSQL schema, pool size and token keys all from the
 * config, so every command and the daemon reach the same tables (issue 10: some commands used to
 * ignore `database.schema`).
 * @throws DbError CONNECTION_FAILED, DATABASE_MISSING (with `create: false`), KEY_INVALID, MIGRATION_FAILED, …
 * @example
 * const handle = await openConfiguredDatabase(config, { migrate: true });
 */
export async function openConfiguredDatabase(config: PowerTokenConfig, options: OpenConfiguredDatabaseOptions = {}): Promise<DatabaseHandle> {
  const keys = encryptionKeysFromConfig(config);
  const schema = options.schema ?? config.database.schema;
  const handle = await openDatabase({
    url: config.database.url,
    poolSize: config.database.poolSize,
    ...(options.create === undefined ? {} : { create: options.create }),
    ...(keys === undefined ? {} : { keys }),
    ...(schema === undefined ? {} : { schema }),
  });
  if (!options.migrate) return handle;
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
