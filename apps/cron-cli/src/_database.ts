import type { PowerTokenConfig } from "@powertoken/core";
import { openDatabase, parseEncryptionKey, type DatabaseHandle, type EncryptionKeys } from "@powertoken/db";

/** The token keys the config names, or undefined when none is set (commands that touch no token still work). */
export function keysFromConfig(config: PowerTokenConfig): EncryptionKeys | undefined {
  if (config.encryption.key === undefined) return undefined;
  return {
    current: { id: config.encryption.keyId, key: parseEncryptionKey(config.encryption.key) },
    previous: config.encryption.previousKeys.map((k) => ({ id: k.id, key: parseEncryptionKey(k.key) })),
  };
}

/** Opens the configured database (without migrating). @throws DbError */
export async function openConfiguredDatabase(config: PowerTokenConfig): Promise<DatabaseHandle> {
  const keys = keysFromConfig(config);
  return openDatabase({ url: config.database.url, poolSize: config.database.poolSize, ...(keys ? { keys } : {}) });
}

/** Runs `work` with the configured database open, and closes it whatever happens. */
export async function withDatabase<T>(config: PowerTokenConfig, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openConfiguredDatabase(config);
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}
