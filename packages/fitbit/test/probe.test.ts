import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOGLE_HEALTH_SCOPES, probeTracker } from "../src/index.js";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "../src/simulator/index.js";
import { googleTracker } from "./_google.js";

const today = { date: "2026-11-30", timeZone: "Europe/Berlin" };
let sim: GoogleHealthSimulator;

beforeAll(async () => {
  sim = await startGoogleHealthSimulator({ users: [] });
});
afterAll(() => sim.close());

describe("probeTracker", () => {
  it("says yes when the day's step total rises by the written steps, and deletes the test point", async () => {
    sim.state.settings.exerciseStepsCount = true;
    const { tracker } = googleTracker(sim, "counts", { timeZone: today.timeZone, now: () => new Date("2026-11-30T12:00:00Z") });
    sim.state.setDeviceSteps("counts", today.date, 5000);
    const report = await probeTracker(tracker, { accountKey: "counts", ...today, steps: 4321 });
    expect(report).toMatchObject({ writtenAndReadBack: true, totalRose: "yes", roseBy: 4321, stepsBefore: 5000, stepsAfter: 9321, deleted: true, missingScope: null });
    expect(report.lines.join("\n")).toContain("rose by the written steps: yes");
    expect(sim.state.points("counts").size).toBe(0);
  });

  it("says no when the roll-up ignores exercise steps", async () => {
    sim.state.settings.exerciseStepsCount = false;
    const { tracker } = googleTracker(sim, "ignores", { timeZone: today.timeZone, now: () => new Date("2026-11-30T12:00:00Z") });
    const report = await tracker.probe({ accountKey: "ignores", ...today });
    expect(report).toMatchObject({ writtenAndReadBack: true, totalRose: "no", roseBy: 0, steps: 4321, deleted: true });
    expect(report.lines.join("\n")).toContain("rose by the written steps: no (it rose by 0");
  });

  it("names the missing read scope and writes nothing without it", async () => {
    const { tracker } = googleTracker(sim, "noread", { timeZone: today.timeZone, scopes: [GOOGLE_HEALTH_SCOPES.activityWrite] });
    const report = await tracker.probe({ accountKey: "noread", ...today });
    expect(report).toMatchObject({ missingScope: GOOGLE_HEALTH_SCOPES.activityRead, writtenAndReadBack: false, totalRose: "unknown" });
    expect(report.lines[0]).toContain("permission to read activity data");
    expect(sim.state.points("noread").size).toBe(0);
  });

  it("says unknown when the total cannot be read after the write, and still deletes the point", async () => {
    const { tracker } = googleTracker(sim, "flaky", { timeZone: today.timeZone, retry: false });
    sim.failNext({ status: 500, match: "dailyRollUp", count: 1 });
    const first = await tracker.probe({ accountKey: "flaky", ...today });
    expect(first.totalRose).toBe("unknown");
    expect(first.deleted).toBe(true);
  });
});
