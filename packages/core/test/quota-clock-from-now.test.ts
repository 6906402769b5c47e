import { describe, expect, it } from "vitest";
import { runPoll, quotaClockFromNow } from "../src/index.js";
import { chicagoMeetingSpec, startDbWorld } from "./helpers/db-world.js";

describe("quotaClockFromNow", () => {
  it("reads a fake clock's jumps at once and runs on in real time while it stands still", async () => {
    let fake = Date.parse("2026-11-25T15:30:00Z");
    const clock = quotaClockFromNow(() => new Date(fake));
    expect(clock.now()).toBe(fake);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const later = clock.now();
    expect(later - fake).toBeGreaterThanOrEqual(50);
    expect(later - fake).toBeLessThan(60_000);
    fake += 15 * 60_000;
    expect(clock.now()).toBe(fake);
  });

  it("sleeps at most maxSleepMs of real time, so a wait re-reads the clock, and ends on the signal", async () => {
    const clock = quotaClockFromNow(() => new Date(0), { maxSleepMs: 20 });
    const started = performance.now();
    await clock.sleep(60_000);
    expect(performance.now() - started).toBeLessThan(5_000);
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow("stopped");
  });
});

describe("createRuntime with a fake now and no quotaClock", () => {
  it("ends a 429 pause on the fake clock: the poll after the advertised time writes", async () => {
    // The world's runtime is createRuntime(config, { now }) without quotaClock.
    const world = await startDbWorld("sqlite", ["p1", "p2", "p3", "p4"].map(chicagoMeetingSpec), "2026-11-25T15:30:00Z");
    try {
      const ctx = world.runtime.ctx;
      world.googleSim.state.settings.perUserPerMinute = 0; // every tracker call answers 429
      world.googleSim.state.settings.rateLimitRetryAfterSeconds = 90;
      const t0 = world.clock.now.getTime();
      const burst = await runPoll(ctx, { all: true, concurrency: 1 });
      expect(burst).toMatchObject({ written: 0, failed: 0, skipped: 4 });
      const pausedUntil = burst.quota!.tracker.pausedUntil!.getTime();
      // Fake time plus the real time the run took; on the wall clock it was today's date instead.
      expect(pausedUntil).toBeGreaterThanOrEqual(t0 + 90_000);
      expect(pausedUntil).toBeLessThan(t0 + 150_000);

      world.googleSim.state.settings.perUserPerMinute = 300;
      world.clock.advanceMinutes(15);
      const next = await runPoll(ctx, { all: true });
      expect(next).toMatchObject({ written: 4, skipped: 0, failed: 0 });
      expect(next.quota?.tracker.pausedUntil).toBeNull();
    } finally {
      await world.close();
    }
  });
});
