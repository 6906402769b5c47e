import { describe, expect, it } from "vitest";
import {
  acquireInstanceLock,
  claimDueParticipants,
  claimLeases,
  createParticipant,
  releaseInstanceLock,
  releaseLease,
  releaseLeases,
  renewLease,
  renewLeases,
  updateParticipant,
} from "../src/index.js";
import { DIALECTS, openTarget, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T20:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);

describe.each(DIALECTS)("leases and instance locks on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "leases");

  it("gives each due participant to one owner, and again once the lease expires", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const ids: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
      ids.push(p.id);
    }
    const ended = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "ended" });

    const a = await claimDueParticipants(db, { job, owner: "a", leaseMs: 60_000, limit: 4, now });
    const b = await claimDueParticipants(db, { job, owner: "b", leaseMs: 60_000, limit: 100, now });
    const claimedA = a.map((p) => p.id);
    const claimedB = b.map((p) => p.id);
    expect(claimedA.filter((id) => claimedB.includes(id))).toEqual([]);
    expect([...claimedA, ...claimedB].filter((id) => ids.includes(id)).sort((x, y) => x - y)).toEqual(ids);
    expect([...claimedA, ...claimedB]).not.toContain(ended.id);
    expect(await claimDueParticipants(db, { job, owner: "c", leaseMs: 60_000, limit: 100, now: at(30_000) })).toEqual([]);
    // Another job's leases are independent.
    expect((await claimDueParticipants(db, { job: `${job}-other`, owner: "c", leaseMs: 60_000, limit: 100, now })).length).toBeGreaterThanOrEqual(6);
    // Expired: claimable again.
    const c = await claimDueParticipants(db, { job, owner: "c", leaseMs: 60_000, limit: 100, now: at(60_000) });
    expect(c.map((p) => p.id).filter((id) => ids.includes(id)).sort((x, y) => x - y)).toEqual(ids);
  });

  it("renews only a live lease of the same owner and releases it until the next due time", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    await updateParticipant(db, p.id, { status: "active" });
    const claimed = await claimDueParticipants(db, { job, owner: "a", leaseMs: 10_000, limit: 1_000, now });
    expect(claimed.map((x) => x.id)).toContain(p.id);
    expect(await renewLease(db, { participantId: p.id, job, owner: "b", leaseMs: 10_000, now })).toBe(false);
    expect(await renewLease(db, { participantId: p.id, job, owner: "a", leaseMs: 10_000, now: at(5_000) })).toBe(true);
    expect(await renewLease(db, { participantId: p.id, job, owner: "a", leaseMs: 10_000, now: at(20_000) })).toBe(false);

    expect(await releaseLease(db, { participantId: p.id, job, owner: "b" })).toBe(false);
    expect(await releaseLease(db, { participantId: p.id, job, owner: "a", nextDueAt: at(900_000) })).toBe(true);
    const early = await claimDueParticipants(db, { job, owner: "b", leaseMs: 10_000, limit: 1_000, now: at(60_000) });
    expect(early.map((x) => x.id)).not.toContain(p.id);
    const due = await claimDueParticipants(db, { job, owner: "b", leaseMs: 10_000, limit: 1_000, now: at(900_000) });
    expect(due.map((x) => x.id)).toContain(p.id);
    await expect(claimDueParticipants(db, { job, owner: "", leaseMs: 1, limit: 1 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("never hands one participant to two concurrent claimers", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    for (let i = 0; i < 20; i += 1) await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    // PostgreSQL: three pools, as three replicas would have. SQLite: better-sqlite3 is
    // synchronous, so a second connection in the same process would block the thread that holds
    // the lock; one handle per process is the rule, and its queries are serialised.
    const others = dialect === "postgres" ? await Promise.all([openTarget(database.target()), openTarget(database.target()), openTarget(database.target())]) : [database.get(), database.get(), database.get()];
    try {
      const results = await Promise.all(others.map((h, i) => claimDueParticipants(h.db, { job, owner: `r${i}`, leaseMs: 60_000, limit: 10, now })));
      const all = results.flatMap((r) => r.map((p) => p.id));
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBeGreaterThan(0);
    } finally {
      if (dialect === "postgres") await Promise.all(others.map((h) => h.close()));
    }
  });

  it("claims a given list once per cycle: a released lease stays held until its next due time", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" })).id);

    const [a, b] = await Promise.all([
      claimLeases(db, { participantIds: ids, job, owner: "a", leaseMs: 60_000, now }),
      claimLeases(db, { participantIds: ids, job, owner: "b", leaseMs: 60_000, now }),
    ]);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(ids);

    const mine = a.length > 0 ? { owner: "a", held: a } : { owner: "b", held: b };
    expect(await renewLeases(db, { participantIds: ids, job, owner: mine.owner, leaseMs: 60_000, now: at(30_000) })).toBe(mine.held.length);
    const nextCycle = at(15 * 60_000);
    expect(await releaseLeases(db, { participantIds: ids, job, owner: mine.owner, nextDueAt: nextCycle })).toBe(mine.held.length);
    // A replica starting late in the same cycle gets none of the released ones...
    expect(await claimLeases(db, { participantIds: mine.held, job, owner: "late", leaseMs: 60_000, now: at(120_000) })).toEqual([]);
    // ...and everyone is claimable in the next cycle.
    expect((await claimLeases(db, { participantIds: mine.held, job, owner: "next", leaseMs: 60_000, now: nextCycle })).sort((x, y) => x - y)).toEqual(
      [...mine.held].sort((x, y) => x - y),
    );
  });

  it("lets concurrent claimers of the same list in opposite orders finish without a deadlock", async () => {
    const { db } = database.get();
    const ids: number[] = [];
    for (let i = 0; i < 600; i += 1) ids.push((await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" })).id);
    const reversed = [...ids].reverse();
    for (let round = 0; round < 10; round += 1) {
      const job = uniqueName("job");
      const [a, b] = await Promise.all([
        claimLeases(db, { participantIds: ids, job, owner: "a", leaseMs: 60_000, now }),
        claimLeases(db, { participantIds: reversed, job, owner: "b", leaseMs: 60_000, now }),
      ]);
      expect(a.length + b.length).toBe(ids.length);
    }
  });

  it("holds a named instance lock for one owner until it expires or is released", async () => {
    const { db } = database.get();
    const name = uniqueName("lock");
    expect(await acquireInstanceLock(db, { name, owner: "a", ttlMs: 30_000, now })).toBe(true);
    expect(await acquireInstanceLock(db, { name, owner: "b", ttlMs: 30_000, now: at(10_000) })).toBe(false);
    expect(await acquireInstanceLock(db, { name, owner: "a", ttlMs: 30_000, now: at(20_000) })).toBe(true);
    expect(await acquireInstanceLock(db, { name, owner: "b", ttlMs: 30_000, now: at(40_000) })).toBe(false);
    expect(await acquireInstanceLock(db, { name, owner: "b", ttlMs: 30_000, now: at(50_000) })).toBe(true);
    expect(await releaseInstanceLock(db, { name, owner: "a" })).toBe(false);
    expect(await releaseInstanceLock(db, { name, owner: "b" })).toBe(true);
    expect(await acquireInstanceLock(db, { name, owner: "a", ttlMs: 30_000, now: at(50_001) })).toBe(true);
  });
});
