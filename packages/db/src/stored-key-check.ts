import type { Kysely } from "kysely";
import { decryptToken } from "./_crypto.js";
import type { EncryptionKeys } from "./encryption-keys.js";
import type { Database } from "./schema/database.js";
import { trackerTokenAad } from "./tracker-accounts.js";
import { weconnectTokenAad } from "./weconnect-accounts.js";

/**
 * Decrypts the most recently saved WEconnect and tracker token cells with `keys`, so a process can
 * refuse to start on a wrong key instead of failing every participant of its first run. Two reads
 * by primary key order, whatever the study's size. The plaintext is dropped at once.
 * @returns how many cells were checked (0 for a study with no stored token yet)
 * @throws DbError KEY_MISSING (no key configured, or not the key id a cell names), KEY_MISMATCH, DECRYPT_FAILED
 * @example await checkStoredTokensDecrypt(db, keys); // throws on a wrong key
 */
export async function checkStoredTokensDecrypt(db: Kysely<Database>, keys: EncryptionKeys | undefined): Promise<number> {
  let checked = 0;
  const weconnect = await db.selectFrom("weconnect_accounts").select(["participant_id", "access_token"]).orderBy("id", "desc").limit(1).executeTakeFirst();
  if (weconnect) {
    decryptToken(keys, weconnect.access_token, weconnectTokenAad(weconnect.participant_id));
    checked++;
  }
  const tracker = await db.selectFrom("tracker_accounts").select(["participant_id", "backend", "access_token"]).orderBy("id", "desc").limit(1).executeTakeFirst();
  if (tracker) {
    decryptToken(keys, tracker.access_token, trackerTokenAad("access_token", tracker.participant_id, tracker.backend));
    checked++;
  }
  return checked;
}
