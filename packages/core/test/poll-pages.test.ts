import { listAudit, getDay } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runPoll, type RunProgress } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const START = "2026-11-25T15:30:00Z";
const NAMES = ["ana", "ben", "chen", "dora", "emil"];

/** Everyone checks in to today's meeting (15:00–16:00 UTC), so each has steps to show. */
function checkInAll(world: DbWorld): void {
  for (const person of world.people.values()) world.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, new Date("2026-11-25T15:20:00Z"));
}

describe.each(DIALECTS)("the poll's pages on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("polls every participant exactly once across pages, total growing page by page up to the selection", async () => {
    world = await startDbWorld(dialect, NAMES.map(chicagoMeetingSpec), START);
    checkInAll(world);
    const seen: RunProgress[] = [];
    const result = await runPoll(world.runtime.ctx, { all: true, concurrency: 2, pageSize: 2, onProgress: (p) => seen.push(p) });

    expect(result).toMatchObject({ due: 5, polled: 5, written: 5, failed: 0 });
    expect(new Set(result.participants.map((p) => p.participantId)).size).toBe(5);
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    // Pages overlap (a page starts once the previous one has nothing left to start), so a total may
    // already count a later page; it still grows a page at a time and ends at the selection.
    for (const [i, p] of seen.entries()) {
      expect([2, 4, 5]).toContain(p.total);
      if (i > 0) expect(p.total).toBeGreaterThanOrEqual(seen[i - 1]!.total);
    }
    expect(seen.at(-1)!.total).toBe(5);
    expect(seen.every((p) => p.total >= p.done)).toBe(true);
    for (const name of NAMES) expect(world.view(name, "2026-11-25").entries).toBe(1);
  });

  it("decides due-ness page by page from stored data and polls only the given ids when asked", async () => {
    world = await startDbWorld(dialect, NAMES.map(chicagoMeetingSpec), START);
    const ctx = world.runtime.ctx;
    // Maintenance made today's rows and the meeting neither starts nor ends within 15 minutes.
    expect(await runPoll(ctx, { concurrency: 3, pageSize: 2 })).toMatchObject({ due: 0, polled: 0 });
    // 15:50: the meeting ends within the window, so every page finds all its participants due.
    world.clock.set("2026-11-25T15:50:00Z");
    expect(await runPoll(ctx, { concurrency: 3, pageSize: 2 })).toMatchObject({ due: 5, polled: 5 });
    const ids = [world.people.get("ana")!.id, world.people.get("emil")!.id, world.people.get("chen")!.id, 99_999_999];
    const chosen = await runPoll(ctx, { participantIds: ids, pageSize: 2 });
    expect(chosen).toMatchObject({ due: 3, polled: 3 });
    expect(chosen.participants.map((p) => p.name).sort()).toEqual(["ana", "chen", "emil"]);
    await expect(runPoll(ctx, { pageSize: 0 })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "pageSize" });
  });

  it("group-commits concurrent participants' intents and confirmations: each day confirmed with exactly one audit row", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
    world = await startDbWorld(dialect, names.map(chicagoMeetingSpec), START);
    checkInAll(world);
    const result = await runPoll(world.runtime.ctx, { all: true, concurrency: 12 });
    expect(result).toMatchObject({ written: 12, failed: 0 });
    const { db } = world.runtime.db;
    for (const name of names) {
      const id = world.people.get(name)!.id;
      const day = await getDay(db, id, "2026-11-25");
      expect(day).toMatchObject({ writeState: "confirmed", confirmedSteps: day?.desiredSteps });
      expect(day?.confirmedSteps).toBeGreaterThan(0);
      const audit = await listAudit(db, { participantId: id, actions: ["tracker-write"] });
      expect(audit.map((a) => [a.participantName, a.outcome, a.steps])).toEqual([[name, "ok", day?.confirmedSteps]]);
      expect(world.view(name, "2026-11-25").steps).toBe(day?.confirmedSteps);
    }
  });

  it("only moves the last-polled time of a day found exactly as stored, and saves a changed one in full", async () => {
    world = await startDbWorld(dialect, ["ana"].map(chicagoMeetingSpec), START);
    checkInAll(world);
    const { db } = world.runtime.db;
    const ana = world.people.get("ana")!;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
    const first = await getDay(db, ana.id, "2026-11-25");

    world.clock.set("2026-11-25T15:40:00Z");
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ unchanged: 1 });
    const touched = await getDay(db, ana.id, "2026-11-25");
    expect(touched).toEqual({ ...first, updatedAt: new Date("2026-11-25T15:40:00Z") });

    world.weconnectSim.state.uncheck(ana.personId, ana.activityIds.meeting!, new Date("2026-11-25T15:20:00Z"));
    world.clock.set("2026-11-25T15:45:00Z");
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
    expect(await getDay(db, ana.id, "2026-11-25")).toMatchObject({ completedCount: 0, dailyProgress: 0, updatedAt: new Date("2026-11-25T15:45:00Z") });
    expect(world.view("ana", "2026-11-25").entries).toBe(0);
  });
});
