import { getDay, listAudit, listDriftChecks } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, runPoll } from "../src/index.js";
import { DIALECTS, chicagoMeetingSpec, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// 15:30 UTC is 09:30 in Chicago: ana's 09:00 meeting is on today's list.
const START = "2026-11-25T15:30:00Z";
const TODAY = "2026-11-25";
const legacy: DbPersonSpec = { ...chicagoMeetingSpec("lee"), backend: "fitbit-legacy" };

describe.each(DIALECTS)("drift repair on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  /** Both participants checked in, polled (10,000 steps shown), then half an hour later (their tokens still valid). */
  async function writtenWorld(): Promise<DbWorld> {
    const w = await startDbWorld(dialect, [chicagoMeetingSpec("ana"), legacy], START);
    for (const person of w.people.values()) w.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, TODAY);
    expect(await runPoll(w.runtime.ctx, { all: true })).toMatchObject({ written: 2 });
    w.clock.advanceMinutes(30);
    return w;
  }

  const trackerWrites = () => world!.googleSim.requests.filter((r) => r.method !== "GET" && r.path.includes("dataPoints")).length + world!.legacySim.requests.filter((r) => r.method !== "GET" && r.path.includes("activities")).length;

  it("puts back an entry the participant deleted in their app, audited with what was found", async () => {
    world = await writtenWorld();
    const ana = world.people.get("ana")!;
    const points = world.googleSim.state.points("ana");
    for (const [id, point] of points) if (point.writtenBy !== null) points.delete(id); // deleted in the app
    expect(world.view("ana", TODAY).steps).toBeNull();
    // A poll alone does not see it: the ledger says 10,000 steps are confirmed.
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 0, unchanged: 2 });

    const writes = trackerWrites();
    const maintenance = await runMaintenance(world.runtime.ctx);
    expect(maintenance).toMatchObject({ driftChecked: 2, driftRepaired: 1, driftFailed: 0 });
    // Maintenance writes no tracker: it hands the day back to the poll, the one writer.
    expect(trackerWrites()).toBe(writes);
    expect((await getDay(world.runtime.db.db, ana.id, TODAY))?.writeState).toBe("pending");
    const audit = await listAudit(world.runtime.db.db, { participantId: ana.id, actions: ["drift-repaired"] });
    expect(audit.map((a) => [a.localDate, a.steps, a.detail])).toEqual([[TODAY, 10_000, "drift repaired: the tracker no longer shows its one entry of 10000 steps; the day is pending again and the next poll writes 10000 steps"]]);
    expect((await listDriftChecks(world.runtime.db.db, ana.id))[0]).toMatchObject({ localDate: TODAY, outcome: "repaired", foundSteps: null });

    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, unchanged: 1 });
    expect(world.view("ana", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });
    expect(world.view("lee", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });
    expect((await getDay(world.runtime.db.db, ana.id, TODAY))?.writeState).toBe("confirmed");
    // The poll after that finds the tracker and the ledger agreeing again.
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 0, unchanged: 2 });
    expect(world.view("ana", TODAY).entries).toBe(1);
  });

  it("never undoes a poll's write that lands between choosing the day and reading it back", async () => {
    // ana has not checked in: the tracker confirmed "nothing shown" for today.
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    const w = world;
    const ana = w.people.get("ana")!;
    expect(await runPoll(w.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
    w.clock.advanceMinutes(30);
    // While maintenance's drift check is on its way to the tracker, ana checks in and a poll
    // writes 10,000 steps: the read-back then shows an entry where the ledger it selected says
    // nothing should be. That is the poll's fresh write, not drift.
    const tracker = w.runtime.ctx.trackers["google-health"]!;
    const readDay = tracker.readDay.bind(tracker);
    let polledMeanwhile = false;
    tracker.readDay = async (input) => {
      if (!polledMeanwhile) {
        polledMeanwhile = true;
        w.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!, TODAY);
        expect(await runPoll(w.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
      }
      return readDay(input);
    };
    expect(await runMaintenance(w.runtime.ctx)).toMatchObject({ driftChecked: 1, driftRepaired: 0, driftFailed: 0 });
    expect(polledMeanwhile).toBe(true);
    expect(w.view("ana", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });
    expect(await listAudit(w.runtime.db.db, { actions: ["drift-repaired"] })).toEqual([]);
    expect(await getDay(w.runtime.db.db, ana.id, TODAY)).toMatchObject({ writeState: "confirmed", confirmedSteps: 10_000 });
    expect(await runPoll(w.runtime.ctx, { all: true })).toMatchObject({ written: 0, unchanged: 1 });
  });

  it("writes back the confirmed value over an entry edited to another value on the legacy API", async () => {
    world = await writtenWorld();
    const lee = world.people.get("lee")!;
    const before = world.view("lee", TODAY);
    expect(before.steps).toBe(10_000);
    const entry = world.legacySim.state.viewDay("lee", TODAY).powertokenEntries[0]!;
    world.legacySim.state.allLogs("lee").find((log) => log.logId === entry.entryId)!.steps = 3; // edited in the app
    expect(world.view("lee", TODAY).steps).toBe(3);

    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftRepaired: 1 });
    const audit = await listAudit(world.runtime.db.db, { participantId: lee.id, actions: ["drift-repaired"] });
    expect(audit[0]!.detail).toBe("drift repaired: the entry shows 3 steps instead of 10000; the day is pending again and the next poll writes 10000 steps");
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
    expect(world.view("lee", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });
  });

  it("reads an unchanged day back once per cadence and writes nothing", async () => {
    world = await writtenWorld();
    const writes = trackerWrites();
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftChecked: 2, driftRepaired: 0 });
    world.clock.advanceMinutes(20);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftChecked: 0, driftRepaired: 0 });
    expect(trackerWrites()).toBe(writes);
    expect(await listAudit(world.runtime.db.db, { actions: ["drift-repaired"] })).toEqual([]);
    expect((await listDriftChecks(world.runtime.db.db, world.people.get("ana")!.id))[0]).toMatchObject({ outcome: "ok", foundSteps: 10_000 });
  });

  it("puts back yesterday's entry too, and leaves older days alone", async () => {
    world = await writtenWorld();
    world.clock.set("2026-11-26T16:00:00Z"); // the next morning in Chicago: the 25th is yesterday
    const points = world.googleSim.state.points("ana");
    for (const [id, point] of points) if (point.writtenBy !== null && point.civilDate === TODAY) points.delete(id);

    const maintenance = await runMaintenance(world.runtime.ctx);
    expect(maintenance).toMatchObject({ driftRepaired: 1, driftFailed: 0 });
    // The poll settles the pending past date before today.
    await runPoll(world.runtime.ctx, { all: true });
    expect(world.view("ana", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });

    world.clock.set("2026-11-28T16:00:00Z"); // now the 25th is three days back: not read any more
    for (const [id, point] of points) if (point.writtenBy !== null && point.civilDate === TODAY) points.delete(id);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftRepaired: 0 });
    expect(world.view("ana", TODAY).steps).toBeNull();
  });

  it("reads back at most the budget of participants per run, and nothing when switched off", async () => {
    world = await writtenWorld();
    world.runtime.ctx.settings.driftBudget = 1;
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftChecked: 1 });
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftChecked: 1 });
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftChecked: 0 });
    world.runtime.ctx.settings.driftCheckHours = 0;
    world.clock.advanceMinutes(25 * 60);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ driftChecked: 0 });
  });
});
