import { getDay, markDayPending, recordTrackerWrite, upsertDay, type Day } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { dayNeedsWrite, describeParticipantDay, getStatusReport, runPoll } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

/** The one rule, applied to a stored day. */
const needsWrite = (day: Day | null): boolean => day !== null && dayNeedsWrite({ ...day, pending: day.writeState === "pending" });

// Ana in Chicago (CST, UTC-6): a daily 09:00 meeting and a daily 18:00 walk, weights 5 and 1.
const ana: DbPersonSpec = {
  name: "ana",
  timeZone: "America/Chicago",
  mapping: "weight",
  backend: "google-health",
  activities: [
    { key: "meeting", dateStart: "2026-11-01T15:00:00Z", weight: 5 },
    { key: "walk", dateStart: "2026-11-02T00:00:00Z", weight: 1 },
  ],
};
const DAY = "2026-11-25";

/** PowerToken's points on the simulated account (the participant's own ones are not counted). */
function ourPoints(world: DbWorld): { id: string; steps: number }[] {
  return [...world.googleSim.state.points("ana").values()].filter((p) => p.writtenBy !== null).map((p) => ({ id: p.id, steps: Number(p.body.exercise.metricsSummary.steps) }));
}

/** Google Health requests logged since `from` (an index into the simulator's log), as "METHOD path". */
function requestsSince(world: DbWorld, from: number): string[] {
  return world.googleSim.requests.slice(from).map((r) => `${r.method} ${r.path}`);
}

describe.each(DIALECTS)("the Google Health day ledger on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("records a day without check-ins as nothing shown, and writes nothing when only its label changes", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    const { id, personId } = world.people.get("ana")!;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(ourPoints(world)).toEqual([]);
    const day = await getDay(world.runtime.db.db, id, DAY);
    expect(day).toMatchObject({ confirmedSteps: 0, entryId: null, nothingShown: true });
    expect(needsWrite(day)).toBe(false);
    const report = await getStatusReport(world.runtime);
    expect(report.participants[0]?.tracker).toEqual({ steps: 0, label: null, pending: false, nothingShown: true });
    expect(await describeParticipantDay(world.runtime, id)).toMatchObject({ trackerSteps: 0, trackerShowsNothing: true });

    // A third activity turns "0 of 2" into "0 of 3": there is still nothing to show.
    world.weconnectSim.state.addActivity(personId, { name: "call", dateStart: new Date("2026-11-20T22:00:00Z"), duration: 30, repeat: "daily", repeatEnd: null });
    const before = world.googleSim.requests.length;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 0, unchanged: 1 });
    expect(requestsSince(world, before)).toEqual([]);
  });

  it("stores the id the server assigned and patches that entry from then on, never creating a second", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    world.googleSim.state.settings.assignIds = true;
    const { id, personId, activityIds } = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    await runPoll(world.runtime.ctx, { all: true });
    const [first] = ourPoints(world);
    expect(first).toMatchObject({ steps: 8_333 });
    expect(first?.id).toMatch(/^\d+$/);
    expect(await getDay(world.runtime.db.db, id, DAY)).toMatchObject({ entryId: first?.id, entryBackend: "google-health", writeState: "confirmed" });

    world.weconnectSim.state.checkIn(personId, activityIds.walk!);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(ourPoints(world)).toEqual([{ id: first?.id, steps: 10_000 }]);
  });

  it("deletes the server-assigned entry when the day's progress falls back to 0", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    world.googleSim.state.settings.assignIds = true;
    const { id, personId, activityIds } = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    await runPoll(world.runtime.ctx, { all: true });
    expect(ourPoints(world)).toHaveLength(1);
    world.weconnectSim.state.uncheck(personId, activityIds.meeting!);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(ourPoints(world)).toEqual([]);
    const day = await getDay(world.runtime.db.db, id, DAY);
    expect(day).toMatchObject({ nothingShown: true, entryId: null });
    expect(needsWrite(day)).toBe(false);
  });

  it("keeps an unconfirmed write pending, then confirms it by reading it back instead of writing again", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    world.googleSim.state.settings.notDone = true;
    const { id, personId, activityIds } = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    const first = await runPoll(world.runtime.ctx, { all: true });
    expect(first.participants[0]?.message).toMatch(/unconfirmed/);
    expect(await getDay(world.runtime.db.db, id, DAY)).toMatchObject({ writeState: "pending", desiredSteps: 8_333, confirmedSteps: null });

    world.googleSim.state.settings.notDone = false;
    world.clock.advanceMinutes(15);
    const before = world.googleSim.requests.length;
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 1, written: 1, failed: 0 });
    expect(requestsSince(world, before).map((r) => r.split(" ")[0])).toEqual(["GET"]);
    const day = await getDay(world.runtime.db.db, id, DAY);
    expect(day).toMatchObject({ writeState: "confirmed", confirmedSteps: 8_333 });
    expect(needsWrite(day)).toBe(false);
    expect(ourPoints(world)).toEqual([{ id: expect.any(String), steps: 8_333 }]);
  });

  it("never names a legacy log id on Google Health, even while a write for the day is pending", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    const { id } = world.people.get("ana")!;
    const db = world.runtime.db.db;
    // Before the move, the legacy backend showed the day; its log id happens to equal the id of
    // one of the participant's own Google exercises, which PowerToken must never touch.
    const own = world.googleSim.state.addOwnExercise("ana", { date: DAY, steps: 4_321, label: "Run" });
    await upsertDay(db, { participantId: id, localDate: DAY, plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0, desiredSteps: null, desiredLabel: null });
    await markDayPending(db, { participantId: id, localDate: DAY, steps: 5_000, label: "legacy", backend: "fitbit-legacy" });
    await recordTrackerWrite(db, { participantId: id, localDate: DAY, backend: "fitbit-legacy", steps: 5_000, label: "legacy", entryId: own, outcome: "ok" });
    // A Google write of 0 was intended and not confirmed (a crash).
    await markDayPending(db, { participantId: id, localDate: DAY, steps: 0, label: "PowerToken: 0 of 2 check-ins", backend: "google-health" });

    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(world.googleSim.state.viewDay("ana", DAY).own).toEqual([{ entryId: own, steps: 4_321, label: "Run" }]);
    expect(await getDay(db, id, DAY)).toMatchObject({ writeState: "confirmed", nothingShown: true, entryId: null });
  });

  it("still writes 0 as a 0-step log on the legacy backend", async () => {
    world = await startDbWorld(dialect, [{ ...ana, backend: "fitbit-legacy" }], "2026-11-25T15:30:00Z");
    const { id } = world.people.get("ana")!;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(world.view("ana", DAY)).toMatchObject({ steps: 0, entries: 1 });
    expect(await getDay(world.runtime.db.db, id, DAY)).toMatchObject({ confirmedSteps: 0, nothingShown: false, entryBackend: "fitbit-legacy" });
  });
});
