import { createRuntime, openConfiguredDatabase, type PowerTokenConfig, type PowerTokenRuntime } from "@powertoken/core";
import type { DatabaseHandle } from "@powertoken/db";

/** How a command opens the database. */
export interface WithDatabaseOptions {
  /**
   * Create the database when there is none. Only setup (`init`, `db migrate`) does: every other
   * command on a missing or zero-byte file says so (db's DATABASE_MISSING, naming the file and
   * `powertoken db migrate`) and writes nothing. @default false
   */
  create?: boolean;
}

/**
 * Runs `work` with the configured database open (core's `openConfiguredDatabase`: URL, schema,
 * pool and keys from the config, the same path `poll` and the daemon take), and closes it.
 */
export async function withDatabase<T>(config: PowerTokenConfig, work: (handle: DatabaseHandle) => Promise<T>, options: WithDatabaseOptions = {}): Promise<T> {
  const handle = await openConfiguredDatabase(config, { create: options.create ?? false });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** Runs `work` with a runtime over the configured, existing database (not migrated: `init` and `db migrate` do that), and closes it. */
export async function withRuntime<T>(config: PowerTokenConfig, work: (runtime: PowerTokenRuntime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config, { migrate: false, create: false });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
