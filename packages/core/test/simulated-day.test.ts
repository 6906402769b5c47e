import { listAudit, listErrors } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMaintenance, runPoll, type PollResult } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// Wednesday 2026-11-25. Local days: Chicago UTC-6, Berlin UTC+1, Tokyo UTC+9, Los Angeles UTC-8.
const specs: DbPersonSpec[] = [
  {
    name: "ana",
    timeZone: "America/Chicago",
    mapping: "weight",
    backend: "google-health",
    activities: [
      { key: "meeting", dateStart: "2026-11-01T15:00:00Z", weight: 5 }, // 09:00 local daily
      { key: "walk", dateStart: "2026-11-02T00:00:00Z", weight: 1 }, // 18:00 local daily
      { key: "doctor", dateStart: "2026-11-25T20:00:00Z", repeat: "never", weight: 4 }, // 14:00 local, one-off
    ],
  },
  {
    name: "ben",
    timeZone: "Europe/Berlin",
    mapping: "tally",
    backend: "google-health",
    activities: [
      { key: "breakfast", dateStart: "2026-11-02T07:00:00Z", duration: 30 }, // 08:00 local daily
      { key: "group", dateStart: "2026-11-04T18:00:00Z", repeat: "weekly" }, // Wednesdays 19:00 local
      { key: "yoga", dateStart: "2026-11-03T17:00:00Z", repeat: "weekly" }, // Tuesdays: not today
    ],
  },
  {
    name: "chen",
    timeZone: "Asia/Tokyo",
    mapping: "plan",
    backend: "fitbit-legacy",
    activities: [
      { key: "morning", dateStart: "2026-11-01T22:00:00Z" }, // 07:00 local daily
      { key: "evening", dateStart: "2026-11-02T11:00:00Z" }, // 20:00 local daily
    ],
  },
  {
    name: "dana",
    timeZone: "America/Los_Angeles",
    mapping: "charge",
    backend: "google-health",
    activities: [{ key: "lunch", dateStart: "2026-11-01T20:00:00Z", weight: 2 }], // 12:00 local daily
  },
];

/** Check-ins at real instants (on time, late, undone), applied as the clock passes them. */
const script: { at: string; name: string; act: string; undo?: boolean; date?: string }[] = [
  { at: "2026-11-24T20:30:00Z", name: "dana", act: "lunch", date: "2026-11-24" }, // yesterday: carried into today
  { at: "2026-11-24T22:20:00Z", name: "chen", act: "morning", date: "2026-11-25" }, // Tokyo 07:20
  { at: "2026-11-25T07:10:00Z", name: "ben", act: "breakfast", date: "2026-11-25" },
  { at: "2026-11-25T11:40:00Z", name: "chen", act: "evening", date: "2026-11-25" }, // Tokyo 20:40
  { at: "2026-11-25T15:20:00Z", name: "ana", act: "meeting", date: "2026-11-25" },
  { at: "2026-11-25T18:50:00Z", name: "ben", act: "group", date: "2026-11-25" },
  { at: "2026-11-25T19:50:00Z", name: "ana", act: "walk", date: "2026-11-25" }, // checked in early, by mistake…
  { at: "2026-11-25T20:40:00Z", name: "ana", act: "doctor", date: "2026-11-25" },
  { at: "2026-11-25T20:45:00Z", name: "ana", act: "walk", undo: true, date: "2026-11-25" }, // …and undone
  { at: "2026-11-25T20:50:00Z", name: "dana", act: "lunch", date: "2026-11-25" },
];

describe.each(DIALECTS)("a simulated day on %s", (dialect) => {
  let world: DbWorld;
  const polls: PollResult[] = [];

  beforeAll(async () => {
    world = await startDbWorld(dialect, specs, "2026-11-24T20:00:00Z");
    const own = world.googleSim.state.addOwnExercise("ana", { date: "2026-11-25", steps: 5200, label: "Morning run" });
    world.legacySim.state.addOwnWalk?.("chen", "2026-11-25", 3100);
    expect(own).toBeTruthy();
    const pending = [...script];
    // Every 15 minutes a poll, every hour maintenance, from yesterday 20:00Z to 2026-11-26 09:00Z.
    while (world.clock.now.getTime() <= Date.parse("2026-11-26T09:00:00Z")) {
      while (pending[0] && Date.parse(pending[0].at) <= world.clock.now.getTime()) {
        const step = pending.shift()!;
        world.clock.set(step.at);
        const person = world.people.get(step.name)!;
        const activityId = person.activityIds[step.act]!;
        if (step.undo) world.weconnectSim.state.uncheck(person.personId, activityId, step.date);
        else world.weconnectSim.state.checkIn(person.personId, activityId, step.date);
      }
      const minute = world.clock.now.getUTCMinutes();
      world.clock.set(new Date(Math.floor(world.clock.now.getTime() / 900_000) * 900_000).toISOString());
      if (minute === 0) await runMaintenance(world.runtime.ctx);
      if (world.clock.now.toISOString() === "2026-11-25T16:00:00.000Z") world.weconnectSim.failNext({ status: 503 });
      if (world.clock.now.toISOString() === "2026-11-25T16:15:00.000Z") world.googleSim.failNext({ status: 429, headers: { "retry-after": "0" }, match: "dataPoints" });
      if (world.clock.now.toISOString() === "2026-11-25T18:45:00.000Z") world.weconnectSim.failNext({ status: 429, retryAfter: 0 });
      polls.push(await runPoll(world.runtime.ctx));
      world.clock.advanceMinutes(15);
    }
  }, 120_000);
  afterAll(async () => world?.close());

  it("shows each participant's mapping of their own local day", () => {
    // ana (weight): meeting 5 + doctor 4 of 5+1+4 = 9/10 × 10,000; the undone walk does not count.
    expect(world.view("ana", "2026-11-25").steps).toBe(9_000);
    // ben (tally): breakfast + Wednesday group = 2 × 25,000; Tuesday yoga is not today.
    expect(world.view("ben", "2026-11-25").steps).toBe(50_000);
    // chen (plan, legacy): both Tokyo check-ins = 2 of 2 × 10,000.
    expect(world.view("chen", "2026-11-25").steps).toBe(10_000);
    // dana (charge): yesterday's 2 points carried + today's 2 points = 4 × 10,000.
    expect(world.view("dana", "2026-11-25").steps).toBe(40_000);
    expect(world.view("dana", "2026-11-24").steps).toBe(20_000);
  });

  it("keeps exactly one PowerToken entry per day and leaves the participants' own entries alone", () => {
    for (const name of ["ana", "ben", "chen", "dana"]) expect(world.view(name, "2026-11-25").entries).toBe(1);
    expect(world.view("ana", "2026-11-25").own).toMatchObject([{ steps: 5200, label: "Morning run" }]);
  });

  it("writes only on change and audits every write", async () => {
    const written = polls.reduce((n, p) => n + p.written, 0);
    const audit = await listAudit(world.runtime.db.db, { action: "tracker-write" } as never);
    expect(audit.filter((a) => a.outcome === "ok")).toHaveLength(written);
    const anaSteps = audit
      .filter((a) => a.participantName === "ana" && a.localDate === "2026-11-25")
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id)
      .map((a) => a.steps);
    // 0 at the start of the day, 5/10 after the meeting, 6/10 with the early walk, then the doctor
    // and the undone walk land in the same quarter hour: 9/10. Down as well as up.
    expect(anaSteps).toEqual([0, 5_000, 6_000, 9_000]);
    const unchanged = polls.reduce((n, p) => n + p.unchanged, 0);
    expect(unchanged).toBeGreaterThan(written);
  });

  it("survives a 503 and a 429 through retries and refreshes expiring tokens", async () => {
    expect(polls.reduce((n, p) => n + p.failed, 0)).toBe(0);
    expect(polls.reduce((n, p) => n + p.rateLimited.tracker + p.rateLimited.weconnect, 0)).toBeGreaterThanOrEqual(1);
    expect(world.googleSim.state.stats.refreshes).toBeGreaterThan(0);
    expect(await listErrors(world.runtime.db.db, {})).toEqual([]);
  });
});
