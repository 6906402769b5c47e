import { describe, expect, it } from "vitest";
import {
  changeParticipantStatus,
  claimDriftChecks,
  createParticipant,
  findParticipantById,
  listAudit,
  listDriftCandidates,
  listDriftChecks,
  listRestoreCandidates,
  markDayPending,
  recordDriftCheck,
  recordTokenCheck,
  recordTrackerWrite,
  reopenDriftedDay,
  getDay,
  restoreWeconnectSignin,
  saveTrackerAccount,
  saveWeconnectAccount,
  setParticipantPaused,
  setTrackerAccountStatus,
  upsertDay,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const t0 = new Date("2026-11-30T12:00:00.000Z");
const hoursLater = (h: number) => new Date(t0.getTime() + h * 3_600_000);

describe.each(DIALECTS)("drift checks and token checks on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "drift");

  /** A participant with a tracker account and a confirmed 2,000-step day on `date`. */
  async function confirmedDay(date: string, options: { trackerStatus?: "active" | "reauth-required" } = {}) {
    const { db, keys } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    const account = await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "a", refreshToken: "r", expiresAt: hoursLater(1), scopes: [] });
    if (options.trackerStatus) await setTrackerAccountStatus(db, { accountId: account.id, status: options.trackerStatus, reason: "invalid_grant" });
    await upsertDay(db, { participantId: p.id, localDate: date, plannedCount: 1, completedCount: 1, dailyProgress: 1, weeklyProgress: 0.5, desiredSteps: null, desiredLabel: null, now: t0 });
    await markDayPending(db, { participantId: p.id, localDate: date, steps: 2000, label: "1 of 1", backend: "google-health", now: t0 });
    await recordTrackerWrite(db, { participantId: p.id, localDate: date, backend: "google-health", steps: 2000, label: "1 of 1", entryId: "e1", outcome: "ok", now: t0 });
    return p;
  }

  const range = { fromDate: "2026-11-28", toDate: "2026-12-01" };

  it("selects confirmed days in the range that were never checked, and leaves pending, paused and out-of-range ones out", async () => {
    const { db } = database.get();
    const ok = await confirmedDay("2026-11-30");
    const old = await confirmedDay("2026-11-20");
    const paused = await confirmedDay("2026-11-30");
    await setParticipantPaused(db, paused.id, true, t0);
    const pending = await confirmedDay("2026-11-30");
    await markDayPending(db, { participantId: pending.id, localDate: "2026-11-30", steps: 3000, label: "x", backend: "google-health", now: t0 });
    const flagged = await confirmedDay("2026-11-30", { trackerStatus: "reauth-required" });

    const ids = (await listDriftCandidates(db, { ...range, checkedBefore: t0, limit: 1000 })).map((c) => c.participantId);
    expect(ids).toContain(ok.id);
    for (const left of [old, paused, pending, flagged]) expect(ids).not.toContain(left.id);
    const mine = (await listDriftCandidates(db, { ...range, checkedBefore: t0, limit: 1000 })).find((c) => c.participantId === ok.id);
    expect(mine).toMatchObject({ localDate: "2026-11-30", confirmedSteps: 2000, confirmedLabel: "1 of 1", entryId: "e1", entryBackend: "google-health", lastCheckedAt: null });
  });

  it("claims a day once per cadence: a second claimer and a second run inside the cadence get nothing", async () => {
    const { db } = database.get();
    const p = await confirmedDay("2026-11-30");
    const item = { participantId: p.id, localDate: "2026-11-30" };
    const [a, b] = await Promise.all([
      claimDriftChecks(db, { items: [item], now: t0, checkedBefore: hoursLater(-24) }),
      claimDriftChecks(db, { items: [item], now: t0, checkedBefore: hoursLater(-24) }),
    ]);
    expect(a.length + b.length).toBe(1);
    await recordDriftCheck(db, { ...item, outcome: "repaired", foundSteps: null, now: t0 });
    expect(await listDriftChecks(db, p.id)).toEqual([{ localDate: "2026-11-30", checkedAt: t0, outcome: "repaired", foundSteps: null }]);

    // Inside the cadence: neither selected nor claimable; after it: both.
    const selected = async (at: Date) => (await listDriftCandidates(db, { ...range, checkedBefore: new Date(at.getTime() - 24 * 3_600_000), limit: 1000 })).some((c) => c.participantId === p.id);
    expect(await selected(hoursLater(23))).toBe(false);
    expect(await claimDriftChecks(db, { items: [item], now: hoursLater(23), checkedBefore: hoursLater(-1) })).toEqual([]);
    expect(await selected(hoursLater(24))).toBe(true);
    expect(await claimDriftChecks(db, { items: [item], now: hoursLater(24), checkedBefore: t0 })).toEqual([item]);
  });

  it("reopens a drifted day only while its ledger still holds what the read-back was compared with", async () => {
    const { db } = database.get();
    const expected = { desiredSteps: 2000, desiredLabel: "1 of 1", confirmedSteps: 2000, confirmedLabel: "1 of 1", entryId: "e1" };
    const drifted = await confirmedDay("2026-11-30");
    expect(await reopenDriftedDay(db, { participantId: drifted.id, localDate: "2026-11-30", expected, now: hoursLater(1) })).toBe(true);
    expect(await getDay(db, drifted.id, "2026-11-30")).toMatchObject({ writeState: "pending", desiredSteps: 2000, confirmedSteps: 2000, entryId: "e1", pendingAt: hoursLater(1) });
    // Already pending: a second reopen changes nothing.
    expect(await reopenDriftedDay(db, { participantId: drifted.id, localDate: "2026-11-30", expected, now: hoursLater(2) })).toBe(false);

    // A poll wrote 3,000 steps since the day was selected: its write stands.
    const rewritten = await confirmedDay("2026-11-30");
    await markDayPending(db, { participantId: rewritten.id, localDate: "2026-11-30", steps: 3000, label: "2 of 2", backend: "google-health", now: t0 });
    await recordTrackerWrite(db, { participantId: rewritten.id, localDate: "2026-11-30", backend: "google-health", steps: 3000, label: "2 of 2", entryId: "e1", outcome: "ok", now: t0 });
    expect(await reopenDriftedDay(db, { participantId: rewritten.id, localDate: "2026-11-30", expected, now: hoursLater(1) })).toBe(false);
    expect(await getDay(db, rewritten.id, "2026-11-30")).toMatchObject({ writeState: "confirmed", confirmedSteps: 3000 });
    // Same value, another entry id (the tracker replaced the entry): also not the day that was read.
    expect(await reopenDriftedDay(db, { participantId: rewritten.id, localDate: "2026-11-30", expected: { ...expected, desiredSteps: 3000, confirmedSteps: 3000, desiredLabel: "2 of 2", confirmedLabel: "2 of 2", entryId: "e2" }, now: hoursLater(1) })).toBe(false);
    // A day with a pending intent belongs to the poll.
    const intent = await confirmedDay("2026-11-30");
    await markDayPending(db, { participantId: intent.id, localDate: "2026-11-30", steps: 2000, label: "1 of 1", backend: "google-health", now: t0 });
    expect(await reopenDriftedDay(db, { participantId: intent.id, localDate: "2026-11-30", expected, now: hoursLater(1) })).toBe(false);
  });

  it("lists flagged participants whose token may be tried again, at most once per interval", async () => {
    const { db, keys } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "7", accessToken: "w".repeat(64), now: t0 });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "a", refreshToken: "r", expiresAt: hoursLater(1), scopes: [] });
    const expired = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    await saveWeconnectAccount(db, keys, { participantId: expired.id, personId: "8", accessToken: "x".repeat(64), tokenExpiresAt: hoursLater(-1), now: t0 });
    for (const id of [p.id, expired.id]) await changeParticipantStatus(db, { participantId: id, status: "needs-weconnect-signin", reason: "UNAUTHORIZED", now: t0 });

    const candidates = async (at: Date) => (await listRestoreCandidates(db, { now: at, checkedBefore: new Date(at.getTime() - 3_600_000), limit: 1000 })).map((c) => c.participantId);
    expect(await candidates(t0)).toContain(p.id);
    // A token past its expiry can never work again: only a new sign-in helps.
    expect(await candidates(t0)).not.toContain(expired.id);
    await recordTokenCheck(db, { participantId: p.id, outcome: "refused", now: t0 });
    expect(await candidates(hoursLater(0.5))).not.toContain(p.id);
    expect(await candidates(hoursLater(1))).toContain(p.id);
  });

  it("restores a participant whose WEconnect token works, with the account and an audit row, and only once", async () => {
    const { db, keys } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "9", accessToken: "y".repeat(64), now: t0 });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "a", refreshToken: "r", expiresAt: hoursLater(1), scopes: [] });
    await changeParticipantStatus(db, { participantId: p.id, status: "needs-weconnect-signin", reason: "UNAUTHORIZED", now: t0 });

    expect(await restoreWeconnectSignin(db, { participantId: p.id, reason: "the stored token works again", now: hoursLater(1) })).toBe("active");
    expect(await restoreWeconnectSignin(db, { participantId: p.id, reason: "again", now: hoursLater(2) })).toBeNull();
    expect((await findParticipantById(db, p.id))?.status).toBe("active");
    const w = await db.selectFrom("weconnect_accounts").select("status").where("participant_id", "=", p.id).executeTakeFirstOrThrow();
    expect(w.status).toBe("active");
    const audit = await listAudit(db, { participantId: p.id, actions: ["status-restored"] });
    expect(audit.map((a) => a.detail)).toEqual(["needs-weconnect-signin → active: the stored token works again"]);
  });
});
