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

  it("refreshes a tracker token only in its last five minutes or after a day unused, and sets the legacy goal the mapping expects", async () => {
    const chen: DbPersonSpec = { ...ana, name: "chen", timeZone: "Asia/Tokyo", backend: "fitbit-legacy", mapping: "seed", goalSteps: 1_000_000 };
    world = await startDbWorld(dialect, [ana, chen], "2026-11-25T12:00:00Z");
    // Google's token lives 3,599 s, the legacy one 8 h: neither is refreshed with time left.
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensRefreshed: 0, failed: 0 });
    expect(world.legacySim.state.viewDay("chen", "2026-11-25").stepGoal).toBe(1_000_000);
    world.clock.advanceMinutes(30);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensRefreshed: 0, goalsSet: 0 });
    world.clock.advanceMinutes(26); // ana's token has 3 min 59 s left
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensRefreshed: 1, failed: 0 });
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensRefreshed: 0 });
    world.clock.advanceMinutes(120); // expired an hour ago and unused: the next poll refreshes it if it needs it
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensRefreshed: 0, failed: 0 });
    world.clock.advanceMinutes(24 * 60); // a day unused: one refresh keeps the grant alive (chen's expired 19 h ago)
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensRefreshed: 1, failed: 0 });
  });

  it("sends only the two WEconnect reads and writes nothing for a participant with nothing changed", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T12:00:00Z");
    const p = world.people.get("ana")!;
    const db = world.runtime.db.db;
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ failed: 0 });
    const before = { day: await getDay(db, p.id, "2026-11-25"), events: await listEvents(db, { participantId: p.id, localDate: "2026-11-25" }), activities: await listActivities(db, p.id) };
    world.clock.advanceMinutes(60);
    const requests: string[] = [];
    const listen = (r: { family: string; endpoint: string }) => void requests.push(`${r.family} ${r.endpoint}`);
    world.runtime.ctx.requestListeners.add(listen);
    const second = await runMaintenance(world.runtime.ctx);
    world.runtime.ctx.requestListeners.delete(listen);
    expect(second).toMatchObject({ tokensRefreshed: 0, activitiesUpserted: 0, activitiesRemoved: 0, eventsUpserted: 0, failed: 0 });
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.startsWith("weconnect "))).toBe(true);
    expect(await getDay(db, p.id, "2026-11-25")).toEqual(before.day);
    expect(await listEvents(db, { participantId: p.id, localDate: "2026-11-25" })).toEqual(before.events);
    expect(await listActivities(db, p.id)).toEqual(before.activities);
  });

  it("stores a check-in made since the last run, and only that day's events change", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T16:30:00Z");
    const p = world.people.get("ana")!;
    const db = world.runtime.db.db;
    await runMaintenance(world.runtime.ctx);
    world.weconnectSim.state.checkIn(p.personId, p.activityIds.meeting!, new Date("2026-11-25T15:30:00Z"));
    world.clock.advanceMinutes(60);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ eventsUpserted: 2, activitiesUpserted: 0, failed: 0 });
    const events = await listEvents(db, { participantId: p.id, localDate: "2026-11-25" });
    expect(events.map((e) => e.checkedIn)).toEqual([true, false]);
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
