import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLegacyHarness, type LegacyHarness } from "./fixtures/legacy-harness.js";

const TZ = "America/Chicago";
let h: LegacyHarness;
let n = 0;
const participant = () => {
  const userId = `OV${++n}`;
  h.connect(userId, TZ);
  return userId;
};
const day = (accountKey: string, date = "2026-11-21") => ({ accountKey, date, timeZone: TZ, label: "PowerToken" });

beforeAll(async () => {
  h = await startLegacyHarness();
});
afterAll(() => h.sim.close());

describe("legacy showDay when polls overlap", () => {
  it.each([2, 3, 4])("%i overlapping writes of a new value leave exactly one PowerToken log, and every writer reports it", async (writers) => {
    const u = participant();
    await h.tracker.showDay({ ...day(u), steps: 1_000 });
    const results = await Promise.all(Array.from({ length: writers }, () => h.tracker.showDay({ ...day(u), steps: 2_000 })));
    const entries = h.sim.state.viewDay(u, "2026-11-21").powertokenEntries;
    expect(entries).toHaveLength(1);
    expect(h.sim.state.viewDay(u, "2026-11-21").powertoken).toMatchObject({ steps: 2_000 });
    // The last writer to finish reports the surviving entry (earlier ones may name one a later writer replaced).
    expect(results.map((r) => r.entryId)).toContain(h.sim.state.viewDay(u, "2026-11-21").powertoken!.entryId);
  });

  it("a poll that finds a stray second log of ours removes it in the same run", async () => {
    const u = participant();
    const first = await h.tracker.showDay({ ...day(u), steps: 3_000 });
    // A second signed log, as an overlapping poll of an older version left behind.
    h.sim.state.createApiLog({ userId: u, date: "2026-11-21", startTime: "00:00", durationMs: 60_000, steps: 3_500, activityId: 90013, activityParentId: 90013 });
    expect(h.sim.state.viewDay(u, "2026-11-21").powertokenEntries.length).toBeGreaterThan(1);
    await h.tracker.showDay({ ...day(u), steps: 4_000, knownEntryId: first.entryId });
    expect(h.sim.state.viewDay(u, "2026-11-21").powertokenEntries).toHaveLength(1);
  });
});
