import { checkStoredTokensDecrypt, type DatabaseHandle } from "@powertoken/db";

/**
 * Proves the configured encryption key opens the tokens already stored (the newest WEconnect and
 * tracker cells), so the daemon can refuse to start on a wrong key instead of failing every
 * participant of its first run with `DB_DECRYPT_FAILED`. Costs two reads.
 * @returns how many stored cells were checked (0 before the first participant connects)
 * @throws DbError KEY_MISSING (no key, or not the key id a cell names: add it to previousKeys), KEY_MISMATCH, DECRYPT_FAILED
 * @example await checkStoredTokenKey(runtime.db);
 */
export function checkStoredTokenKey(handle: Pick<DatabaseHandle, "db" | "keys">): Promise<number> {
  return checkStoredTokensDecrypt(handle.db, handle.keys);
}
