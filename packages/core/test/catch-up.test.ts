import { getDay } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { isDue, loadConfig, runMaintenance, runPoll, type PollCandidate, type PollResult } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// Chicago (UTC-6): a daily 09:00 meeting (15:00Z) and a daily 18:00 walk (00:00Z), an hour each,
// weights 5 and 1. The walk is the day's last occurrence: it ends at 19:00 local, 01:00Z.
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

/** The daemon's schedule: a poll every 15 minutes, maintenance first on the hour. */
async function cron(world: DbWorld, untilIso: string, onTick?: (at: string, poll: PollResult) => void | Promise<void>): Promise<void> {
  while (world.clock.now.getTime() < new Date(untilIso).getTime()) {
    world.clock.advanceMinutes(15);
    if (world.clock.now.getUTCMinutes() === 0) await runMaintenance(world.runtime.ctx);
    const poll = await runPoll(world.runtime.ctx);
    await onTick?.(world.clock.now.toISOString(), poll);
  }
}

describe.each(DIALECTS)("the catch-up rule on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("shows a check-in made three hours after the day's last occurrence within one catch-up interval", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T23:30:00Z");
    const { personId, activityIds } = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!, "2026-11-25");
    await cron(world, "2026-11-26T04:00:00Z");
    expect(world.view("ana", "2026-11-25").steps).toBe(8_333);

    world.weconnectSim.state.checkIn(personId, activityIds.walk!, "2026-11-25"); // 22:00 local, after the 04:00Z poll
    const shownAt: string[] = [];
    await cron(world, "2026-11-26T05:30:00Z", (at) => {
      if (world!.view("ana", "2026-11-25").steps === 10_000) shownAt.push(at);
    });
    expect(shownAt[0]).toBe("2026-11-26T05:00:00.000Z"); // 60 minutes later, despite maintenance at 05:00
    expect(world.view("ana", "2026-11-25")).toMatchObject({ steps: 10_000, entries: 1 });
  });

  it("keeps the seed's economy: hourly catch-up polls for open items, none once everything is checked in", async () => {
    world = await startDbWorld(dialect, [ana, { ...ana, name: "ben" }], "2026-11-25T23:30:00Z");
    for (const name of ["ana", "ben"]) {
      const p = world.people.get(name)!;
      world.weconnectSim.state.checkIn(p.personId, p.activityIds.meeting!, "2026-11-25");
    }
    const ana_ = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(ana_.personId, ana_.activityIds.walk!, "2026-11-25"); // ana is done for the day
    await cron(world, "2026-11-26T01:00:00Z"); // through the walk's end: the seed's rule polls both

    const polled: Record<string, string[]> = { ana: [], ben: [] };
    await cron(world, "2026-11-26T05:45:00Z", (at, poll) => {
      for (const p of poll.participants) polled[p.name]!.push(at.slice(11, 16));
    });
    expect(polled.ana).toEqual([]);
    expect(polled.ben).toEqual(["02:00", "03:00", "04:00", "05:00"]);
    expect(world.view("ana", "2026-11-25").steps).toBe(10_000);
    expect(world.view("ben", "2026-11-25").steps).toBe(8_333);
  });

  it("leaves a late check-in to the seed's rule when catchUpMinutes is 0", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T23:30:00Z");
    world.runtime.ctx.settings.catchUpMinutes = 0;
    const { personId, activityIds } = world.people.get("ana")!;
    await cron(world, "2026-11-26T04:00:00Z");
    world.weconnectSim.state.checkIn(personId, activityIds.walk!, "2026-11-25");
    let polls = 0;
    await cron(world, "2026-11-26T05:45:00Z", (_at, poll) => {
      polls += poll.due;
    });
    expect(polls).toBe(0);
    // Still the 0 of before the check-in: Google Health shows 0 steps as no entry.
    expect(world.view("ana", "2026-11-25")).toMatchObject({ steps: null, entries: 0 });
    expect(await getDay(world.runtime.db.db, world.people.get("ana")!.id, "2026-11-25")).toMatchObject({ confirmedSteps: 0 });
  });
});

describe("isDue's catch-up rule", () => {
  const now = new Date("2026-11-26T04:00:00Z"); // 22:00 in Chicago, no occurrence near
  const base: PollCandidate = { participantId: 1, timeZone: "America/Chicago", activities: [], pendingDates: [], lastDayDate: "2026-11-25", openToday: 1, lastPolledAt: new Date("2026-11-26T03:00:00Z") };
  it("selects a day with open items last polled at least catchUpMinutes ago", () => {
    expect(isDue(base, now, 15, 60)).toBe(true);
    expect(isDue({ ...base, lastPolledAt: new Date("2026-11-26T03:01:00Z") }, now, 15, 60)).toBe(false);
  });
  it("ignores a day with nothing open, and is off at 0 (isDue's default)", () => {
    expect(isDue({ ...base, openToday: 0 }, now, 15, 60)).toBe(false);
    expect(isDue(base, now, 15, 0)).toBe(false);
    expect(isDue(base, now, 15)).toBe(false);
  });
});

describe("poll.catchUpMinutes", () => {
  it("defaults to 60 and is set by POWERTOKEN_POLL_CATCH_UP_MINUTES", () => {
    expect(loadConfig({ env: {}, cwd: "/" }).config.poll.catchUpMinutes).toBe(60);
    expect(loadConfig({ env: { POWERTOKEN_POLL_CATCH_UP_MINUTES: "0" }, cwd: "/" }).config.poll.catchUpMinutes).toBe(0);
    expect(() => loadConfig({ env: { POWERTOKEN_POLL_CATCH_UP_MINUTES: "-5" }, cwd: "/" })).toThrow(expect.objectContaining({ code: "CONFIG_INVALID", key: "poll.catchUpMinutes" }));
  });
});
