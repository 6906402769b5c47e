import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { isDaemonError } from "../src/errors.js";
import { cycleEndsAt, parseSchedule } from "../src/schedule.js";
import { createScheduler, type RunCycle, type SchedulerEvent } from "../src/scheduler.js";
import { handleShutdownSignals, signalExitCode } from "@powertoken/core";
import { createControlledJob, createFakeClock } from "./fake-clock.js";

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

function setup(pattern = "*/15 * * * *", start = "2026-03-02T10:00:00Z") {
  const clock = createFakeClock(at(start));
  const job = createControlledJob<string>();
  const events: SchedulerEvent<"poll">[] = [];
  const scheduler = createScheduler({
    jobs: { poll: { schedule: parseSchedule(pattern, "daemon.pollSchedule", "UTC"), run: (signal) => job.run(signal) } },
    clock,
    onEvent: (event) => events.push(event),
  });
  return { clock, job, events, scheduler, types: () => events.map((e) => e.type) };
}

describe("parseSchedule", () => {
  it("computes the next quarter hour strictly after a given time", () => {
    const schedule = parseSchedule("*/15 * * * *", "daemon.pollSchedule", "UTC");
    expect(new Date(schedule.next(at("2026-03-02T10:07:31Z"))!).toISOString()).toBe("2026-03-02T10:15:00.000Z");
    expect(new Date(schedule.next(at("2026-03-02T10:15:00Z"))!).toISOString()).toBe("2026-03-02T10:30:00.000Z");
  });

  it("computes the hourly maintenance tick and accepts a seconds field", () => {
    expect(new Date(parseSchedule("0 * * * *", "k", "UTC").next(at("2026-03-02T10:00:00Z"))!).toISOString()).toBe("2026-03-02T11:00:00.000Z");
    expect(parseSchedule("* * * * * *", "k", "UTC").next(at("2026-03-02T10:00:00.400Z"))).toBe(at("2026-03-02T10:00:01Z"));
  });

  it("rejects an invalid expression with SCHEDULE_INVALID naming the config key", () => {
    let caught: unknown;
    try {
      parseSchedule("every 15 minutes", "daemon.pollSchedule");
    } catch (error) {
      caught = error;
    }
    expect(isDaemonError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: "SCHEDULE_INVALID", key: "daemon.pollSchedule" });
  });
});

describe("cycleEndsAt", () => {
  it("ends a cycle a tenth of the interval before the next tick, at most 30 seconds before it", () => {
    const quarter = { tickAt: at("2026-03-02T10:00:00Z"), nextTickAt: at("2026-03-02T10:15:00Z") };
    expect(new Date(cycleEndsAt(quarter)!).toISOString()).toBe("2026-03-02T10:14:30.000Z");
    expect(cycleEndsAt({ tickAt: at("2026-03-02T10:00:00Z"), nextTickAt: at("2026-03-02T10:00:10Z") })).toBe(at("2026-03-02T10:00:09Z"));
    expect(cycleEndsAt({ tickAt: at("2026-03-02T10:00:00Z"), nextTickAt: null })).toBeNull();
  });
});

describe("createScheduler", () => {
  it("tells each run its tick and the job's next tick", async () => {
    const clock = createFakeClock(at("2026-03-02T10:01:00Z"));
    const cycles: RunCycle[] = [];
    const scheduler = createScheduler({
      jobs: { poll: { schedule: parseSchedule("*/15 * * * *", "daemon.pollSchedule", "UTC"), run: (_signal, cycle) => Promise.resolve(void cycles.push(cycle)) } },
      clock,
    });
    scheduler.start();
    await clock.advance(14 * MIN);
    expect(cycles).toEqual([{ tickAt: at("2026-03-02T10:15:00Z"), nextTickAt: at("2026-03-02T10:30:00Z"), startedAt: at("2026-03-02T10:15:00Z") }]);
    await clock.advance(MIN);
    expect(scheduler.trigger("poll")).toBe(true);
    await clock.advance(0);
    expect(cycles[1]).toMatchObject({ tickAt: at("2026-03-02T10:16:00Z"), nextTickAt: at("2026-03-02T10:30:00Z") });
    await scheduler.stop({ deadlineMs: 1000 });
  });

  it("runs the job once per tick and nothing before the first tick", async () => {
    const { clock, job, scheduler } = setup("*/15 * * * *", "2026-03-02T10:01:00Z");
    scheduler.start();
    expect(new Date(scheduler.nextTickAt("poll")!).toISOString()).toBe("2026-03-02T10:15:00.000Z");
    await clock.advance(13 * MIN);
    expect(job.runs).toHaveLength(0);
    await clock.advance(1 * MIN);
    expect(job.runs).toHaveLength(1);
    job.runs[0]!.resolve("done");
    await clock.advance(15 * MIN);
    job.runs[1]!.resolve("done");
    await clock.advance(15 * MIN);
    expect(job.runs).toHaveLength(3);
  });

  it("skips and reports a tick that comes while the previous run is still going, and never queues it", async () => {
    const { clock, job, events, scheduler, types } = setup();
    scheduler.start();
    await clock.advance(15 * MIN); // 10:15 run 1 starts
    await clock.advance(30 * MIN); // 10:30 and 10:45 ticks arrive while it runs
    expect(job.runs).toHaveLength(1);
    const skipped = events.filter((e) => e.type === "tick-skipped");
    expect(skipped).toEqual([
      { type: "tick-skipped", job: "poll", at: at("2026-03-02T10:30:00Z"), runningForMs: 15 * MIN, overrun: true },
      { type: "tick-skipped", job: "poll", at: at("2026-03-02T10:45:00Z"), runningForMs: 30 * MIN, overrun: false },
    ]);
    await clock.advance(5 * MIN);
    job.runs[0]!.resolve("late"); // 10:50: finishes; no catch-up run
    await clock.advance(9 * MIN);
    expect(job.runs).toHaveLength(1);
    await clock.advance(1 * MIN); // 11:00
    expect(job.runs).toHaveLength(2);
    expect(types()).toEqual(["run-started", "tick-skipped", "tick-skipped", "run-finished", "run-started"]);
  });

  it("reports a run that throws and keeps the schedule going", async () => {
    const { clock, job, events, scheduler } = setup();
    scheduler.start();
    await clock.advance(15 * MIN);
    job.runs[0]!.reject(Object.assign(new Error("db down"), { code: "CONNECTION_FAILED" }));
    await clock.advance(1);
    expect(events.at(-1)).toMatchObject({ type: "run-failed", job: "poll", error: { code: "CONNECTION_FAILED" } });
    await clock.advance(15 * MIN);
    expect(job.runs).toHaveLength(2);
  });

  it("runs once after a long stall and computes the next tick from now, without catching up", async () => {
    const { clock, job, scheduler } = setup();
    scheduler.start();
    // Simulate a suspended machine: time jumps 2 h while no timer could fire.
    (clock as unknown as { now: () => number }).now = (() => {
      const base = clock.now;
      return () => base() + 2 * 60 * MIN;
    })();
    await clock.advance(15 * MIN);
    expect(job.runs).toHaveLength(1);
    expect(new Date(scheduler.nextTickAt("poll")!).toISOString()).toBe("2026-03-02T12:30:00.000Z");
  });

  it("at shutdown aborts the signal, lets the run in flight finish, and ticks no more", async () => {
    const { clock, job, scheduler, types } = setup();
    scheduler.start();
    await clock.advance(15 * MIN);
    const run = job.runs[0]!;
    expect(run.signal.aborted).toBe(false);
    run.signal.addEventListener("abort", () => setTimeout(() => run.resolve("drained"), 5));
    const stopped = scheduler.stop({ deadlineMs: 30_000 });
    expect(run.signal.aborted).toBe(true);
    await expect(stopped).resolves.toEqual({ forced: false, unfinished: [] });
    expect(scheduler.nextTickAt("poll")).toBeNull();
    await clock.advance(60 * MIN);
    expect(job.runs).toHaveLength(1);
    expect(types()).toEqual(["run-started", "run-finished"]);
    expect(scheduler.trigger("poll")).toBe(false);
  });

  it("gives up waiting at the deadline and says which job was still running", async () => {
    const { clock, job, scheduler } = setup();
    scheduler.start();
    await clock.advance(15 * MIN);
    let result: unknown;
    void scheduler.stop({ deadlineMs: 30_000 }).then((r) => (result = r));
    await clock.advance(29_999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    expect(result).toEqual({ forced: true, unfinished: ["poll"] });
    expect(job.runs[0]!.signal.aborted).toBe(true);
  });

  it("stops at once when nothing is running and leaves no timer behind", async () => {
    const { clock, scheduler } = setup();
    scheduler.start();
    expect(clock.pending()).toBe(1);
    await expect(scheduler.stop({ deadlineMs: 1000 })).resolves.toEqual({ forced: false, unfinished: [] });
    expect(clock.pending()).toBe(0);
  });

  it("runs a triggered job at once unless it is already running", async () => {
    const { job, scheduler } = setup();
    expect(scheduler.trigger("poll")).toBe(true);
    expect(scheduler.trigger("poll")).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(job.runs).toHaveLength(1);
    expect(scheduler.running()).toEqual(["poll"]);
  });
});

describe("handleShutdownSignals", () => {
  it("starts a graceful shutdown on the first signal and forces exit on the second", () => {
    const source = new EventEmitter();
    const calls: string[] = [];
    const remove = handleShutdownSignals(source, { onShutdown: (s) => calls.push(`shutdown:${s}`), onForce: (s) => calls.push(`force:${s}`) });
    source.emit("SIGTERM");
    source.emit("SIGINT");
    expect(calls).toEqual(["shutdown:SIGTERM", "force:SIGINT"]);
    remove();
    expect(source.listenerCount("SIGTERM") + source.listenerCount("SIGINT")).toBe(0);
    expect([signalExitCode("SIGINT"), signalExitCode("SIGTERM")]).toEqual([130, 143]);
  });
});
