import { describe, expect, it } from "vitest";
import {
  findParticipantByName,
  findTrackerAccount,
  insertParticipantsWithAccounts,
  listActivities,
  listParticipants,
  loadTrackerToken,
  loadWeconnectAccount,
  loadWeconnectAccounts,
  type BulkParticipantInput,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T15:30:00.000Z");
const expiresAt = new Date("2026-11-25T16:29:59.000Z");

function participant(i: number, name = uniqueName("bulk")): BulkParticipantInput {
  return {
    name,
    timeZone: i % 2 === 0 ? "Europe/Berlin" : "America/Chicago",
    enrollmentStart: "2026-11-20",
    status: "active",
    mapping: "plan",
    goalSteps: 10_000,
    weconnect: { personId: String(1001 + i), accessToken: `wc-secret-${i}` },
    tracker: { backend: "google-health", externalUserId: `u${i}`, accessToken: `ga-secret-${i}`, refreshToken: `gr-secret-${i}`, expiresAt, scopes: ["a", "b"] },
    activities: [0, 1, 2].map((k) => ({
      weconnectActivityId: String(4001 + 3 * i + k),
      name: `a${k}`,
      startsAt: new Date(Date.UTC(2026, 10, 1, 8 + 5 * k)),
      durationMinutes: 60,
      repeat: "daily",
      repeatEndsAt: null,
      modifiedAt: new Date(Date.UTC(2026, 10, 1)),
      expiresAt: null,
    })),
  };
}

describe.each(DIALECTS)("insertParticipantsWithAccounts on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "bulkseed");

  it("stores participants with accounts whose tokens the single loaders decrypt", async () => {
    const { db, keys } = database.get();
    const input = [0, 1, 2].map((i) => participant(i));
    const result = await insertParticipantsWithAccounts(db, keys, input, now);
    expect(result).toMatchObject({ weconnectAccounts: 3, trackerAccounts: 3, activities: 9 });
    expect(result.participantIds).toHaveLength(3);

    for (const [i, p] of input.entries()) {
      const id = result.participantIds[i] as number;
      expect(await findParticipantByName(db, p.name)).toMatchObject({ id, timeZone: p.timeZone, status: "active", mapping: "plan", goalSteps: 10_000, stepsPerUnit: 25_000, pausedAt: null });
      expect(await loadWeconnectAccount(db, keys, id)).toMatchObject({ personId: String(1001 + i), accessToken: `wc-secret-${i}`, status: "active" });
      const account = await findTrackerAccount(db, id, "google-health");
      expect(account).toMatchObject({ externalUserId: `u${i}`, expiresAt, scopes: ["a", "b"], version: 1, status: "active" });
      expect(await loadTrackerToken(db, keys, account?.id as number)).toMatchObject({ accessToken: `ga-secret-${i}`, refreshToken: `gr-secret-${i}`, version: 1 });
      const activities = await listActivities(db, id);
      expect(activities.map((a) => [a.weconnectActivityId, a.weight])).toEqual([0, 1, 2].map((k) => [String(4001 + 3 * i + k), 3]));
    }
  });

  it("never stores a token in clear text", async () => {
    const { db, keys } = database.get();
    const { participantIds } = await insertParticipantsWithAccounts(db, keys, [participant(7)], now);
    const id = participantIds[0] as number;
    const wc = await db.selectFrom("weconnect_accounts").select("access_token").where("participant_id", "=", id).executeTakeFirstOrThrow();
    const tr = await db.selectFrom("tracker_accounts").select(["access_token", "refresh_token"]).where("participant_id", "=", id).executeTakeFirstOrThrow();
    for (const cell of [wc.access_token, tr.access_token, tr.refresh_token]) {
      expect(cell).toMatch(/^v1:test1:/);
      expect(cell).not.toContain("secret");
    }
  });

  it("inserts a batch larger than one statement's parameter limit", async () => {
    const { db, keys } = database.get();
    // 3,500 participants × 10 columns and 10,500 activities × 12 columns each need several chunks.
    const input = Array.from({ length: 3500 }, (_, i) => participant(i, `bulk-big-${dialect}-${i}`));
    const result = await insertParticipantsWithAccounts(db, keys, input, now);
    expect(result.activities).toBe(10_500);
    expect(new Set(result.participantIds).size).toBe(3500);
    const names = await listParticipants(db, { ids: result.participantIds });
    expect(new Map(names.map((p) => [p.id, p.name]))).toEqual(new Map(result.participantIds.map((id, i) => [id, `bulk-big-${dialect}-${i}`])));
    const accounts = await loadWeconnectAccounts(db, keys, result.participantIds);
    expect(accounts.get(result.participantIds[3499] as number)?.accessToken).toBe("wc-secret-3499");
  });

  it("refuses a bad row before writing anything and says which row and what to fix", async () => {
    const { db, keys } = database.get();
    const good = participant(1);
    const bad = { ...participant(2), timeZone: "Mars/Olympus" };
    await expect(insertParticipantsWithAccounts(db, keys, [good, bad], now)).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("inputs[1]") });
    expect(await findParticipantByName(db, good.name)).toBeNull();
  });

  it("rolls the whole batch back when a name is already taken, without naming any token", async () => {
    const { db, keys } = database.get();
    const first = participant(3);
    await insertParticipantsWithAccounts(db, keys, [first], now);
    const fresh = participant(4);
    const error = await insertParticipantsWithAccounts(db, keys, [fresh, { ...participant(5), name: first.name }], now).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect(String(error)).not.toContain("secret");
    expect(await findParticipantByName(db, fresh.name)).toBeNull();
  });

  it("refuses tokens without an encryption key", async () => {
    const { db } = database.get();
    const p = participant(6);
    await expect(insertParticipantsWithAccounts(db, undefined, [p], now)).rejects.toMatchObject({ code: "KEY_MISSING" });
    expect(await findParticipantByName(db, p.name)).toBeNull();
  });
});
