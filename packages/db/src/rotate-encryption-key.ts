import type { Kysely } from "kysely";
import { decryptToken, encryptWith } from "./_crypto.js";
import { inTransaction } from "./_db.js";
import { checkEncryptionKeys, type EncryptionKey, type EncryptionKeys } from "./encryption-keys.js";
import type { Database } from "./schema/database.js";
import { trackerTokenAad } from "./tracker-accounts.js";
import { weconnectTokenAad } from "./weconnect-accounts.js";

/** What `rotateEncryptionKey` takes. */
export interface RotateEncryptionKeyInput {
  /** Keys that can decrypt what is stored now. */
  from: EncryptionKeys;
  /** The new key; afterwards configure it as `current` (the old one may stay in `previous`). */
  to: EncryptionKey;
}

/**
 * Re-encrypts every stored token with `to`, in one transaction: if any token fails to decrypt,
 * nothing changes. Versions are not bumped (the tokens are the same).
 * @returns how many encrypted cells were rewritten
 * @throws DbError KEY_INVALID, KEY_MISMATCH, DECRYPT_FAILED
 */
export async function rotateEncryptionKey(db: Kysely<Database>, input: RotateEncryptionKeyInput): Promise<{ reencrypted: number }> {
  const from = checkEncryptionKeys(input.from) as EncryptionKeys;
  checkEncryptionKeys({ current: input.to });
  return inTransaction(db, async (trx) => {
    let reencrypted = 0;
    const weconnect = await trx.selectFrom("weconnect_accounts").select(["id", "participant_id", "access_token"]).execute();
    for (const row of weconnect) {
      const aad = weconnectTokenAad(row.participant_id);
      const token = encryptWith(input.to, decryptToken(from, row.access_token, aad), aad);
      await trx.updateTable("weconnect_accounts").set({ access_token: token }).where("id", "=", row.id).execute();
      reencrypted += 1;
    }
    const trackers = await trx.selectFrom("tracker_accounts").select(["id", "participant_id", "backend", "access_token", "refresh_token"]).execute();
    for (const row of trackers) {
      const accessAad = trackerTokenAad("access_token", row.participant_id, row.backend);
      const refreshAad = trackerTokenAad("refresh_token", row.participant_id, row.backend);
      const access = encryptWith(input.to, decryptToken(from, row.access_token, accessAad), accessAad);
      const refresh = row.refresh_token === null ? null : encryptWith(input.to, decryptToken(from, row.refresh_token, refreshAad), refreshAad);
      await trx.updateTable("tracker_accounts").set({ access_token: access, refresh_token: refresh }).where("id", "=", row.id).execute();
      reencrypted += refresh === null ? 1 : 2;
    }
    return { reencrypted };
  });
}
