import { createRuntime, dbErrorOf, openConfiguredDatabase, type DatabaseHandle, type PowerTokenConfig, type PowerTokenRuntime } from "@powertoken/core";

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
 * A driver error with a known remedy (another process holds the SQLite write lock, a damaged
 * page) comes out as db's typed error naming the file (`Db BUSY`, `Db NOT_A_DATABASE`).
 */
export async function withDatabase<T>(config: PowerTokenConfig, work: (handle: DatabaseHandle) => Promise<T>, options: WithDatabaseOptions = {}): Promise<T> {
  const handle = await openConfiguredDatabase(config, { create: options.create ?? false });
  try {
    return await work(handle);
  } catch (error) {
    // Here the file is known; reportError would recognise the error too, but could not name it.
    throw dbErrorOf(error, handle.redactedUrl) ?? error;
  } finally {
    await handle.close();
  }
}

/**
 * Runs `work` with a runtime over the configured, existing database (not migrated: `init` and
 * `db migrate` do that), and closes it. Driver errors are named as in `withDatabase`.
 */
export async function withRuntime<T>(config: PowerTokenConfig, work: (runtime: PowerTokenRuntime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config, { migrate: false, create: false });
  try {
    return await work(runtime);
  } catch (error) {
    throw dbErrorOf(error, runtime.db.redactedUrl) ?? error;
  } finally {
    await runtime.close();
  }
}
