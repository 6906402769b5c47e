import { describe, expect, it } from "vitest";
import { checkStoredTokensDecrypt, createParticipant, generateEncryptionKey, parseEncryptionKey, saveTrackerAccount, saveWeconnectAccount, type EncryptionKeys } from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const SAME_ID_OTHER_BYTES = (keys: EncryptionKeys | undefined): EncryptionKeys => ({ current: { id: keys!.current.id, key: parseEncryptionKey(generateEncryptionKey()) } });
const OTHER_ID: EncryptionKeys = { current: { id: "not-the-stored-one", key: parseEncryptionKey(generateEncryptionKey()) } };

describe.each(DIALECTS)("checkStoredTokensDecrypt on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "stored_key_check");

  it("checks nothing before a token is stored, then opens the newest WEconnect and tracker cells with the right key", async () => {
    const { db, keys } = database.get();
    expect(await checkStoredTokensDecrypt(db, keys)).toBe(0);
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "77", accessToken: "wc-token-CHECK" });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", externalUserId: null, accessToken: "tr-access-CHECK", refreshToken: "tr-refresh-CHECK", expiresAt: new Date("2026-12-01T00:00:00Z"), scopes: [] });
    expect(await checkStoredTokensDecrypt(db, keys)).toBe(2);
  });

  it("refuses the wrong key bytes, a key of another id and no key, never echoing a token", async () => {
    const { db, keys } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "78", accessToken: "wc-token-SECRET-2" });
    for (const [wrong, code] of [[SAME_ID_OTHER_BYTES(keys), "DECRYPT_FAILED"], [OTHER_ID, /KEY_MISSING|KEY_MISMATCH/], [undefined, "KEY_MISSING"]] as const) {
      const error = await checkStoredTokensDecrypt(db, wrong).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ name: "DbError" });
      expect((error as { code: string }).code).toMatch(code);
      expect(String(error)).not.toContain("wc-token-SECRET");
    }
  });
});
