import { readFileSync, existsSync } from "node:fs";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  createParticipant,
  generateEncryptionKey,
  loadTrackerToken,
  loadWeconnectAccount,
  loadWeconnectAccounts,
  openDatabase,
  parseEncryptionKey,
  rotateEncryptionKey,
  saveTrackerAccount,
  saveTrackerToken,
  saveWeconnectAccount,
  setTrackerAccountStatus,
  setWeconnectAccountStatus,
  findTrackerAccount,
  migrateToLatest,
  type EncryptionKeys,
} from "../src/index.js";
import { DIALECTS, KEYS, dropTarget, newTarget, openTarget, uniqueName, useMigratedDatabase } from "./_dialects.js";

const expiresAt = new Date("2026-12-01T00:00:00.000Z");
const OTHER: EncryptionKeys = { current: { id: "test2", key: parseEncryptionKey(generateEncryptionKey()) } };

describe("encryption keys", () => {
  it("parses base64 of 32 bytes and refuses anything else without echoing it", () => {
    const text = generateEncryptionKey();
    expect(parseEncryptionKey(`${text}\n`)).toHaveLength(32);
    expect(() => parseEncryptionKey("")).toThrow(expect.objectContaining({ code: "KEY_MISSING" }));
    const short = Buffer.alloc(16, 1).toString("base64");
    try {
      parseEncryptionKey(short);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "KEY_INVALID" });
      expect(String(error)).not.toContain(short);
    }
  });
});

describe.each(DIALECTS)("tokens on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "tokens");

  async function participant() {
    return createParticipant(database.get().db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
  }

  it("saves and loads a WEconnect account, decrypting the token", async () => {
    const { db, keys } = database.get();
    const p = await participant();
    const saved = await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "1042", accessToken: "wc-token-AAA", tokenExpiresAt: expiresAt });
    expect(saved).toMatchObject({ participantId: p.id, personId: "1042", accessToken: "wc-token-AAA", status: "active" });
    const loaded = await loadWeconnectAccount(db, keys, p.id);
    expect(loaded).toEqual(saved);
    await setWeconnectAccountStatus(db, p.id, "reauth-required");
    expect(await loadWeconnectAccount(db, keys, p.id)).toMatchObject({ status: "reauth-required" });
    const again = await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "1042", accessToken: "wc-token-BBB" });
    expect(again).toMatchObject({ id: saved.id, accessToken: "wc-token-BBB", status: "active", tokenExpiresAt: null });
    expect(await loadWeconnectAccount(db, keys, 999_999)).toBeNull();
  });

  it("loads many WEconnect accounts at once, keyed by participant, leaving out those without a link", async () => {
    const { db, keys } = database.get();
    const [a, b, none] = [await participant(), await participant(), await participant()];
    const savedA = await saveWeconnectAccount(db, keys, { participantId: a.id, personId: "1", accessToken: "wc-token-A" });
    const savedB = await saveWeconnectAccount(db, keys, { participantId: b.id, personId: "2", accessToken: "wc-token-B" });
    const loaded = await loadWeconnectAccounts(db, keys, [b.id, none.id, a.id, a.id]);
    expect([...loaded.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(loaded.get(a.id)).toEqual(savedA);
    expect(loaded.get(b.id)).toEqual(savedB);
    expect((await loadWeconnectAccounts(db, keys, [])).size).toBe(0);
  });

  it("saves a tracker account, loads its token, and saves a refresh only at the expected version", async () => {
    const { db, keys } = database.get();
    const p = await participant();
    const account = await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", externalUserId: "g-1", accessToken: "at-1", refreshToken: "rt-1", expiresAt, scopes: ["activity.write", "activity.read"] });
    expect(account).toMatchObject({ backend: "google-health", version: 1, status: "active", scopes: ["activity.write", "activity.read"] });
    const token = await loadTrackerToken(db, keys, account.id);
    expect(token).toEqual({ accessToken: "at-1", refreshToken: "rt-1", expiresAt, scopes: ["activity.write", "activity.read"], version: 1 });

    const next = new Date(expiresAt.getTime() + 3_600_000);
    const saved = await saveTrackerToken(db, keys, { accountId: account.id, accessToken: "at-2", refreshToken: "rt-2", expiresAt: next, scopes: ["activity.write"], expectedVersion: 1 });
    expect(saved).toMatchObject({ accessToken: "at-2", version: 2 });
    const lost = await saveTrackerToken(db, keys, { accountId: account.id, accessToken: "at-3", refreshToken: "rt-3", expiresAt: next, scopes: [], expectedVersion: 1 });
    expect(lost).toBeNull();
    expect(await loadTrackerToken(db, keys, account.id)).toEqual({ accessToken: "at-2", refreshToken: "rt-2", expiresAt: next, scopes: ["activity.write"], version: 2 });
    await expect(saveTrackerToken(db, keys, { accountId: 999_999, accessToken: "x", refreshToken: null, expiresAt, scopes: [], expectedVersion: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lets exactly one of two concurrent refreshes win", async () => {
    const { db, keys } = database.get();
    const p = await participant();
    const account = await saveTrackerAccount(db, keys, { participantId: p.id, backend: "fitbit-legacy", accessToken: "a", refreshToken: "r", expiresAt, scopes: [] });
    const results = await Promise.all(
      ["x", "y", "z"].map((t) => saveTrackerToken(db, keys, { accountId: account.id, accessToken: t, refreshToken: t, expiresAt, scopes: [], expectedVersion: account.version })),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it("picks the active Google Health account and flags accounts with a status", async () => {
    const { db, keys } = database.get();
    const p = await participant();
    const legacy = await saveTrackerAccount(db, keys, { participantId: p.id, backend: "fitbit-legacy", accessToken: "a", expiresAt, scopes: [] });
    const google = await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "b", expiresAt, scopes: [] });
    expect((await findTrackerAccount(db, p.id))?.id).toBe(google.id);
    await setTrackerAccountStatus(db, { accountId: google.id, status: "reauth-required", reason: "invalid_grant on refresh" });
    await setTrackerAccountStatus(db, { accountId: legacy.id, status: "api-gone", reason: "legacy API retired" });
    expect(await findTrackerAccount(db, p.id, "google-health")).toMatchObject({ status: "reauth-required", statusReason: "invalid_grant on refresh" });
    const fresh = await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "c", expiresAt, scopes: [] });
    expect(fresh).toMatchObject({ id: google.id, status: "active", statusReason: null, version: 2 });
  });

  it("refuses a missing key, an unknown key id and a wrong key with clear codes and no token in the error", async () => {
    const handle = database.get();
    const p = await participant();
    await saveWeconnectAccount(handle.db, handle.keys, { participantId: p.id, personId: "1", accessToken: "secret-wc-token" });
    await expect(saveWeconnectAccount(handle.db, undefined, { participantId: p.id, personId: "1", accessToken: "secret-wc-token" })).rejects.toMatchObject({ code: "KEY_MISSING" });
    await expect(loadWeconnectAccount(handle.db, undefined, p.id)).rejects.toMatchObject({ code: "KEY_MISSING" });
    await expect(loadWeconnectAccount(handle.db, OTHER, p.id)).rejects.toMatchObject({ code: "KEY_MISMATCH" });
    const sameIdOtherBytes: EncryptionKeys = { current: { id: KEYS.current.id, key: OTHER.current.key } };
    const error: unknown = await loadWeconnectAccount(handle.db, sameIdOtherBytes, p.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DbError", code: "DECRYPT_FAILED" });
    expect(String(error)).not.toContain("secret-wc-token");
    expect(String((error as Error).cause ?? "")).not.toContain("secret-wc-token");
  });

  it("refuses a ciphertext moved to another participant's row (AAD binds row and column)", async () => {
    const { db, keys } = database.get();
    const a = await participant();
    const b = await participant();
    await saveWeconnectAccount(db, keys, { participantId: a.id, personId: "1", accessToken: "token-of-a" });
    await saveWeconnectAccount(db, keys, { participantId: b.id, personId: "2", accessToken: "token-of-b" });
    const rowA = await db.selectFrom("weconnect_accounts").select("access_token").where("participant_id", "=", a.id).executeTakeFirstOrThrow();
    await db.updateTable("weconnect_accounts").set({ access_token: rowA.access_token }).where("participant_id", "=", b.id).execute();
    await expect(loadWeconnectAccount(db, keys, b.id)).rejects.toMatchObject({ code: "DECRYPT_FAILED" });

    const t = await saveTrackerAccount(db, keys, { participantId: a.id, backend: "google-health", accessToken: "acc", refreshToken: "ref", expiresAt, scopes: [] });
    const row = await db.selectFrom("tracker_accounts").select(["access_token", "refresh_token"]).where("id", "=", t.id).executeTakeFirstOrThrow();
    await db.updateTable("tracker_accounts").set({ access_token: row.refresh_token ?? "" }).where("id", "=", t.id).execute();
    await expect(loadTrackerToken(db, keys, t.id)).rejects.toMatchObject({ code: "DECRYPT_FAILED" });
  });

  it("rotates every token to a new key in one transaction; the old key alone then fails", async () => {
    // Its own database: the AAD test above leaves rows that (rightly) no longer decrypt.
    const target = newTarget(dialect, "rotate");
    const handle = await openTarget(target);
    await migrateToLatest(handle.db);
    const { db } = handle;
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveWeconnectAccount(db, KEYS, { participantId: p.id, personId: "1", accessToken: "rot-wc" });
    const t = await saveTrackerAccount(db, KEYS, { participantId: p.id, backend: "google-health", accessToken: "rot-at", refreshToken: "rot-rt", expiresAt, scopes: [] });
    // A wrong `from` fails part-way and leaves every row as it was.
    await expect(rotateEncryptionKey(db, { from: OTHER, to: OTHER.current })).rejects.toMatchObject({ code: "KEY_MISMATCH" });
    expect(await loadWeconnectAccount(db, KEYS, p.id)).toMatchObject({ accessToken: "rot-wc" });

    const { reencrypted } = await rotateEncryptionKey(db, { from: KEYS, to: OTHER.current });
    expect(reencrypted).toBeGreaterThanOrEqual(3);
    expect(await loadWeconnectAccount(db, OTHER, p.id)).toMatchObject({ accessToken: "rot-wc" });
    expect(await loadTrackerToken(db, { current: OTHER.current, previous: [KEYS.current] }, t.id)).toMatchObject({ accessToken: "rot-at", refreshToken: "rot-rt", version: 1 });
    await expect(loadWeconnectAccount(db, KEYS, p.id)).rejects.toMatchObject({ code: "KEY_MISMATCH" });
    await handle.close();
    await dropTarget(target);
  });

  it("keeps no plaintext token anywhere in the stored database", async () => {
    const target = database.target();
    const { db, keys } = database.get();
    const p = await participant();
    const secrets = ["PLAINTEXT-wc-9f8e7d", "PLAINTEXT-at-1a2b3c", "PLAINTEXT-rt-4d5e6f"];
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "5", accessToken: secrets[0] as string });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: secrets[1] as string, refreshToken: secrets[2] as string, expiresAt, scopes: [] });
    let dump: string;
    if (dialect === "sqlite") {
      const files = [target.url, `${target.url}-wal`].filter((f) => existsSync(f));
      dump = files.map((f) => readFileSync(f).toString("latin1")).join("");
      expect(dump).toContain("v1:test1:");
    } else {
      const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${target.schema}`.execute(db);
      const parts: string[] = [];
      for (const { table_name } of tables.rows) {
        const rows = await sql<{ t: string }>`select t::text as t from ${sql.id(table_name)} as t`.execute(db);
        parts.push(...rows.rows.map((r) => r.t));
      }
      dump = parts.join("\n");
      expect(dump).toContain("v1:test1:");
    }
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(Buffer.from(secret).toString("base64"));
    }
  });
});

describe("openDatabase keys", () => {
  it("refuses a malformed key at open with KEY_INVALID", async () => {
    await expect(openDatabase({ url: ":memory:", keys: { current: { id: "bad:id", key: new Uint8Array(32) } } })).rejects.toMatchObject({ code: "KEY_INVALID" });
    await expect(openDatabase({ url: ":memory:", keys: { current: { id: "k", key: new Uint8Array(16) } } })).rejects.toMatchObject({ code: "KEY_INVALID" });
  });
});
