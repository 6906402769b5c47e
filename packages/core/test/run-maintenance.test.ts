import { createParticipant, findParticipantById, listActivities, listAudit, listEvents, getDay, saveWeconnectAccount } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, runPoll } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

const ana: DbPersonSpec = {
  name: "ana",
  timeZone: "America/Chicago",
  mapping: "plan",
  backend: "google-health",
  activities: [{ key: "meeting", dateStart: "2026-11-01T15:00:00Z" }, { key: "walk", dateStart: "2026-11-02T00:00:00Z", weight: 5 }],
};

describe.each(DIALECTS)("runMaintenance on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("removes incomplete profiles only after the grace period, with an audit row, and not in a dry run", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T12:00:00Z");
    const db = world.runtime.db.db;
    const half = await createParticipant(db, { name: "half-way", timeZone: "UTC", enrollmentStart: "2026-11-25", now: world.clock.now });
    await saveWeconnectAccount(db, world.runtime.db.keys, { participantId: half.id, personId: "999", accessToken: "x".repeat(64), now: world.clock.now });
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ removedIncomplete: 0 });
    world.clock.advanceMinutes(25 * 60);
    expect(await runMaintenance(world.runtime.ctx, { dryRun: true })).toMatchObject({ removedIncomplete: 1 });
    expect(await findParticipantById(db, half.id)).not.toBeNull();
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ removedIncomplete: 1, failed: 0 });
    expect(await findParticipantById(db, half.id)).toBeNull();
    expect(await listAudit(db, {})).toEqual(expect.arrayContaining([expect.objectContaining({ action: "participant-removed", participantName: "half-way" })]));
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ removedIncomplete: 0 });
  });

  it("syncs activities edited, added and deleted in WEconnect by dateModified, keeping weights", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T12:00:00Z");
    const p = world.people.get("ana")!;
    const db = world.runtime.db.db;
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ activitiesUpserted: 0, activitiesRemoved: 0 });
    world.clock.advanceMinutes(3 * 24 * 60); // the job was down three days: the edit is still seen
    world.weconnectSim.state.editActivity(p.activityIds.walk!, { name: "Evening walk with Sam" });
    world.weconnectSim.state.deleteActivity(p.activityIds.meeting!);
    world.weconnectSim.state.addActivity(p.personId, { name: "Call sponsor", dateStart: new Date("2026-11-28T18:00:00Z"), repeat: "never" });
    const result = await runMaintenance(world.runtime.ctx);
    expect(result).toMatchObject({ activitiesUpserted: 2, activitiesRemoved: 1, failed: 0 });
    const stored = await listActivities(db, p.id);
    expect(stored.map((a) => [a.name, a.weight]).sort()).toEqual([["Call sponsor", 3], ["Evening walk with Sam", 5]]);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ activitiesUpserted: 0, activitiesRemoved: 0 });
  });

  it("stores today's events and day row in the participant's own zone", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-26T03:00:00Z"); // 21:00 on the 25th in Chicago
    const p = world.people.get("ana")!;
    await runMaintenance(world.runtime.ctx);
    const events = await listEvents(world.runtime.db.db, { participantId: p.id, localDate: "2026-11-25" });
    expect(events.map((e) => e.startsAt.toISOString())).toEqual(["2026-11-25T15:00:00.000Z", "2026-11-26T00:00:00.000Z"]);
    expect(await getDay(world.runtime.db.db, p.id, "2026-11-25")).toMatchObject({ plannedCount: 2, completedCount: 0 });
  });

  it("refreshes tracker tokens that expire within the hour and sets the legacy goal the mapping expects", async () => {
    const chen: DbPersonSpec = { ...ana, name: "chen", timeZone: "Asia/Tokyo", backend: "fitbit-legacy", mapping: "seed", goalSteps: 1_000_000 };
    world = await startDbWorld(dialect, [ana, chen], "2026-11-25T12:00:00Z");
    world.clock.advanceMinutes(30); // Google tokens live 1 h: now within the hour
    const result = await runMaintenance(world.runtime.ctx);
    expect(result.tokensRefreshed).toBeGreaterThanOrEqual(1);
    expect(world.legacySim.state.viewDay("chen", "2026-11-25").stepGoal).toBe(1_000_000);
    expect((await runMaintenance(world.runtime.ctx)).goalsSet).toBe(0);
  });

  it("marks a participant whose WEconnect token expired as needing sign-in", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T12:00:00Z");
    world.weconnectSim.state.expireToken(world.people.get("ana")!.personId);
    const result = await runMaintenance(world.runtime.ctx);
    expect(result).toMatchObject({ failed: 1, statusChanges: 1, failuresByCode: { UNAUTHORIZED: 1 } });
    expect((await findParticipantById(world.runtime.db.db, world.people.get("ana")!.id))?.status).toBe("needs-weconnect-signin");
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ due: 0 });
  });
});

describe("a DST change day", () => {
  let world: DbWorld | undefined;
  afterEach(async () => world?.close());

  it("polls a daily activity at its real instant and counts the 25-hour local day once", async () => {
    // 2026-11-01: Chicago falls back at 02:00 CDT. The meeting is stored at 14:00Z (09:00 CDT),
    // so WEconnect (UTC recurrence) puts it at 08:00 CST from that day on.
    const spec: DbPersonSpec = { ...ana, activities: [{ key: "meeting", dateStart: "2026-10-20T14:00:00Z" }] };
    world = await startDbWorld("sqlite", [spec], "2026-11-01T13:50:00Z");
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 1 });
    const p = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(p.personId, p.activityIds.meeting!, "2026-11-01");
    world.clock.set("2026-11-01T14:50:00Z");
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 1, written: 1 });
    expect(world.view("ana", "2026-11-01")).toMatchObject({ steps: 10_000, entries: 1 });
    world.clock.set("2026-11-02T05:30:00Z"); // 23:30 CST, still Nov 1 locally (a 25-hour day)
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ unchanged: 1 });
  });
});
