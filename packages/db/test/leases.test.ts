import { describe, expect, it } from "vitest";
import { claimLeases, createParticipant, releaseLeases, renewLeases } from "../src/index.js";
import { DIALECTS, openTarget, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T20:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);

describe.each(DIALECTS)("leases on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "leases");

  it("gives each participant of a list to one owner, and again once the lease expires", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const ids: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
      ids.push(p.id);
    }
    const a = await claimLeases(db, { participantIds: ids.slice(0, 4), job, owner: "a", leaseMs: 60_000, now });
    const b = await claimLeases(db, { participantIds: ids, job, owner: "b", leaseMs: 60_000, now });
    expect(a).toEqual(ids.slice(0, 4));
    expect(b).toEqual(ids.slice(4));
    expect(await claimLeases(db, { participantIds: ids, job, owner: "c", leaseMs: 60_000, now: at(30_000) })).toEqual([]);
    // Another job's leases are independent.
    expect(await claimLeases(db, { participantIds: ids, job: `${job}-other`, owner: "c", leaseMs: 60_000, now })).toEqual(ids);
    // Expired: claimable again.
    expect(await claimLeases(db, { participantIds: ids, job, owner: "c", leaseMs: 60_000, now: at(60_000) })).toEqual(ids);
  });

  it("renews only a live lease of the same owner and releases it until the next due time", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    const one = { participantIds: [p.id], job };
    expect(await claimLeases(db, { ...one, owner: "a", leaseMs: 10_000, now })).toEqual([p.id]);
    expect(await renewLeases(db, { ...one, owner: "b", leaseMs: 10_000, now })).toBe(0);
    expect(await renewLeases(db, { ...one, owner: "a", leaseMs: 10_000, now: at(5_000) })).toBe(1);
    expect(await renewLeases(db, { ...one, owner: "a", leaseMs: 10_000, now: at(20_000) })).toBe(0);

    expect(await releaseLeases(db, { ...one, owner: "b" })).toBe(0);
    expect(await releaseLeases(db, { ...one, owner: "a", nextDueAt: at(900_000) })).toBe(1);
    expect(await claimLeases(db, { ...one, owner: "b", leaseMs: 10_000, now: at(60_000) })).toEqual([]);
    expect(await claimLeases(db, { ...one, owner: "b", leaseMs: 10_000, now: at(900_000) })).toEqual([p.id]);
    await expect(claimLeases(db, { ...one, owner: "", leaseMs: 1 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("with freeBy takes only leases that were free by then, so a late claim skips those released until a later time", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" })).id);
    const [doneId, staleId, freshId] = ids as [number, number, number];
    // A run of the cycle that began at `now` and ends at +9 s: one participant done and released
    // until the cycle's end; another claimed earlier by a replica that died (expires at +5 s).
    expect(await claimLeases(db, { participantIds: [staleId], job, owner: "dead", leaseMs: 6_000, now: at(-1_000) })).toEqual([staleId]);
    expect(await claimLeases(db, { participantIds: [doneId], job, owner: "b", leaseMs: 60_000, now: at(1_000) })).toEqual([doneId]);
    expect(await releaseLeases(db, { participantIds: [doneId], job, owner: "b", nextDueAt: at(9_000) })).toBe(1);
    // At +10 s both leases are free by `now`, yet a run that started at the cycle's start takes
    // neither: one was done this cycle, the other expired during the run. A fresh one it takes.
    expect(await claimLeases(db, { participantIds: ids, job, owner: "a", leaseMs: 60_000, now: at(10_000), freeBy: now })).toEqual([freshId]);
    // The next cycle's run (freeBy at +10 s) takes both.
    expect(await claimLeases(db, { participantIds: [doneId, staleId], job, owner: "c", leaseMs: 60_000, now: at(10_000), freeBy: at(10_000) })).toEqual([doneId, staleId]);
    // freeBy later than now is now: a live lease is never taken.
    expect(await claimLeases(db, { participantIds: ids, job, owner: "d", leaseMs: 60_000, now: at(11_000), freeBy: at(999_000) })).toEqual([]);
  });

  it("never hands one participant to two concurrent claimers", async () => {
    const { db } = database.get();
    const job = uniqueName("job");
    const ids: number[] = [];
    for (let i = 0; i < 20; i += 1) ids.push((await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" })).id);
    // PostgreSQL: three pools, as three replicas would have. SQLite: better-sqlite3 is
    // synchronous, so a second connection in the same process would block the thread that holds
    // the lock; one handle per process is the rule, and its queries are serialised.
    const others = dialect === "postgres" ? await Promise.all([openTarget(database.target()), openTarget(database.target()), openTarget(database.target())]) : [database.get(), database.get(), database.get()];
    try {
      const results = await Promise.all(others.map((h, i) => claimLeases(h.db, { participantIds: ids, job, owner: `r${i}`, leaseMs: 60_000, now })));
      const all = results.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort((x, y) => x - y)).toEqual(ids);
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
});
