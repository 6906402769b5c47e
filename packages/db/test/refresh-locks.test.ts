import { describe, expect, it } from "vitest";
import {
  claimRefreshLock,
  createParticipant,
  findParticipantById,
  findTrackerAccountById,
  listOrphanedRefreshes,
  markRefreshInFlight,
  releaseRefreshLock,
  saveTrackerAccount,
  saveTrackerToken,
  setTrackerAccountStatus,
  updateParticipant,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const expiresAt = new Date("2026-12-01T00:00:00.000Z");
const t0 = new Date("2026-11-30T12:00:00.000Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

describe.each(DIALECTS)("tracker refresh locks on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "rlocks");

  async function account(backend: "google-health" | "fitbit-legacy" = "fitbit-legacy") {
    const { db, keys } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    return saveTrackerAccount(db, keys, { participantId: p.id, backend, accessToken: "a", refreshToken: "r", expiresAt, scopes: [] });
  }

  it("gives the lock to one owner at a time until it is released", async () => {
    const { db } = database.get();
    const { id } = await account();
    expect(await claimRefreshLock(db, { accountId: id, owner: "a", leaseMs: 30_000, now: t0 })).toEqual({ untilAt: later(30_000), orphan: null });
    expect(await claimRefreshLock(db, { accountId: id, owner: "b", leaseMs: 30_000, now: later(1_000) })).toBeNull();
    await releaseRefreshLock(db, { accountId: id, owner: "b" }); // not the holder: no effect
    expect(await claimRefreshLock(db, { accountId: id, owner: "b", leaseMs: 30_000, now: later(2_000) })).toBeNull();
    await releaseRefreshLock(db, { accountId: id, owner: "a" });
    expect(await claimRefreshLock(db, { accountId: id, owner: "b", leaseMs: 30_000, now: later(3_000) })).toMatchObject({ orphan: null });
  });

  it("lets exactly one of many concurrent claimers win", async () => {
    const { db } = database.get();
    const { id } = await account();
    const claims = await Promise.all(["p", "q", "r", "s", "t"].map((owner) => claimRefreshLock(db, { accountId: id, owner, leaseMs: 30_000, now: t0 })));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
  });

  it("hands an expired lease to the next claimer together with the dead holder's in-flight record", async () => {
    const { db } = database.get();
    const { id } = await account();
    await claimRefreshLock(db, { accountId: id, owner: "dies", leaseMs: 5_000, now: t0 });
    expect(await markRefreshInFlight(db, { accountId: id, owner: "dies", tokenFingerprint: "f1", now: later(10) })).toBe(true);
    expect(await claimRefreshLock(db, { accountId: id, owner: "next", leaseMs: 5_000, now: later(4_999) })).toBeNull();
    const claim = await claimRefreshLock(db, { accountId: id, owner: "next", leaseMs: 5_000, now: later(5_000) });
    expect(claim).toEqual({ untilAt: later(10_000), orphan: { tokenFingerprint: "f1", startedAt: later(10) } });
    // The dead holder, were it to wake up, no longer owns the lock and must not send.
    expect(await markRefreshInFlight(db, { accountId: id, owner: "dies", tokenFingerprint: "f1", now: later(5_001) })).toBe(false);
    await releaseRefreshLock(db, { accountId: id, owner: "next" });
    expect(await claimRefreshLock(db, { accountId: id, owner: "third", leaseMs: 5_000, now: later(6_000) })).toMatchObject({ orphan: null });
  });

  it("lists the accounts whose holder died mid-refresh once their lease has run out", async () => {
    const { db } = database.get();
    const { id } = await account();
    await claimRefreshLock(db, { accountId: id, owner: "dies", leaseMs: 5_000, now: t0 });
    await markRefreshInFlight(db, { accountId: id, owner: "dies", tokenFingerprint: "f9", now: t0 });
    const mine = (list: Array<{ accountId: number }>) => list.filter((o) => o.accountId === id);
    expect(mine(await listOrphanedRefreshes(db, { now: later(4_000) }))).toEqual([]);
    expect(mine(await listOrphanedRefreshes(db, { now: later(5_000) }))).toEqual([{ accountId: id, tokenFingerprint: "f9", startedAt: t0 }]);
    const claim = await claimRefreshLock(db, { accountId: id, owner: "rescuer", leaseMs: 5_000, now: later(5_000) });
    expect(claim?.orphan).toEqual({ tokenFingerprint: "f9", startedAt: t0 });
    await releaseRefreshLock(db, { accountId: id, owner: "rescuer" });
    expect(mine(await listOrphanedRefreshes(db, { now: later(20_000) }))).toEqual([]);
  });

  it("a successful token save clears a re-auth flag and returns the participant to active", async () => {
    const { db, keys } = database.get();
    const acc = await account();
    await setTrackerAccountStatus(db, { accountId: acc.id, status: "reauth-required", reason: "invalid_grant" });
    await updateParticipant(db, acc.participantId, { status: "needs-tracker-consent" });
    const saved = await saveTrackerToken(db, keys, { accountId: acc.id, accessToken: "a2", refreshToken: "r2", expiresAt, scopes: [], expectedVersion: acc.version });
    expect(saved).toMatchObject({ version: acc.version + 1 });
    expect(await findTrackerAccountById(db, acc.id)).toMatchObject({ status: "active", statusReason: null });
    expect(await findParticipantById(db, acc.participantId)).toMatchObject({ status: "active" });
  });

  it("a lost compare-and-swap leaves the flags alone, and a save never revives an ended participant", async () => {
    const { db, keys } = database.get();
    const acc = await account();
    await setTrackerAccountStatus(db, { accountId: acc.id, status: "reauth-required", reason: "invalid_grant" });
    expect(await saveTrackerToken(db, keys, { accountId: acc.id, accessToken: "a2", refreshToken: "r2", expiresAt, scopes: [], expectedVersion: acc.version + 5 })).toBeNull();
    expect(await findTrackerAccountById(db, acc.id)).toMatchObject({ status: "reauth-required" });
    await updateParticipant(db, acc.participantId, { status: "ended" });
    await saveTrackerToken(db, keys, { accountId: acc.id, accessToken: "a3", refreshToken: "r3", expiresAt, scopes: [], expectedVersion: acc.version });
    expect(await findParticipantById(db, acc.participantId)).toMatchObject({ status: "ended" });
  });
});
