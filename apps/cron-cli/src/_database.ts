import { createRuntime, openConfiguredDatabase, type PowerTokenConfig, type PowerTokenRuntime } from "@powertoken/core";
import type { DatabaseHandle } from "@powertoken/db";

/**
 * Runs `work` with the configured database open (core's `openConfiguredDatabase`: URL, schema,
 * pool and keys from the config, the same path `poll` and the daemon take), and closes it.
 */
export async function withDatabase<T>(config: PowerTokenConfig, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openConfiguredDatabase(config);
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** Runs `work` with a runtime over the configured database (not migrated: `init` and `db migrate` do that), and closes it. */
export async function withRuntime<T>(config: PowerTokenConfig, work: (runtime: PowerTokenRuntime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config, { migrate: false });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
