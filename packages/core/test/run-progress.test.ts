import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, runPoll, type Logger, type PowerTokenContext, type RunProgress } from "../src/index.js";
import { chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const START = "2026-11-25T15:30:00Z";
const spec = chicagoMeetingSpec;
const NAMES = ["ana", "ben", "chen", "dora", "emil"];

/** A fresh context over the world's database: its own in-process guard, as a second replica would have. */
const replica = (world: DbWorld, log?: Logger): PowerTokenContext => ({ ...world.runtime.ctx, inFlight: new Map(), requestListeners: new Set(), ...(log ? { log } : {}) });
const byId = <T extends { participantId: number }>(items: readonly T[]) => [...items].sort((a, b) => a.participantId - b.participantId);

describe("onProgress on sqlite", () => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("reports each polled participant once, done counting 1 to total, with the outcomes of the result", async () => {
    world = await startDbWorld("sqlite", NAMES.map(spec), START);
    const seen: RunProgress[] = [];
    const result = await runPoll(world.runtime.ctx, { all: true, concurrency: 2, onProgress: (p) => seen.push(p) });

    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((p) => p.job === "poll" && p.total === NAMES.length)).toBe(true);
    expect(byId(seen.map((p) => p.outcome))).toEqual(result.participants);
    expect(result).toMatchObject({ due: 5, written: 5, failed: 0 });
  });

  it("reports maintenance participants the same way", async () => {
    world = await startDbWorld("sqlite", NAMES.map(spec), START);
    const seen: RunProgress[] = [];
    const result = await runMaintenance(world.runtime.ctx, { onProgress: (p) => seen.push(p) });

    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((p) => p.job === "maintenance" && p.total === NAMES.length && p.outcome.outcome === "updated")).toBe(true);
    expect(byId(seen.map((p) => p.outcome))).toEqual(result.participants);
  });

  it("counts participants another replica holds as done, total being the whole selection", async () => {
    world = await startDbWorld("sqlite", NAMES.map(spec), START);
    const cycleEndsAt = new Date(world.clock.now.getTime() + 15 * 60_000);
    await runPoll(replica(world), { all: true, owner: "a", cycleEndsAt });
    const seen: RunProgress[] = [];
    const late = await runPoll(replica(world), { all: true, owner: "b", cycleEndsAt, onProgress: (p) => seen.push(p) });

    expect(late).toMatchObject({ skipped: 5, failed: 0 });
    expect(seen.map((p) => [p.done, p.total, p.outcome.code])).toEqual(NAMES.map((_, i) => [i + 1, 5, "LEASED"]));
  });

  it("finishes the run unchanged when the callback throws or rejects, and logs that at debug", async () => {
    world = await startDbWorld("sqlite", NAMES.map(spec), START);
    const debug: string[] = [];
    const log: Logger = { debug: (m) => debug.push(m), info() {}, warn() {}, error() {} };
    let calls = 0;
    const thrown = await runPoll(replica(world, log), {
      all: true,
      onProgress: () => {
        calls += 1;
        throw new Error("display broke");
      },
    });
    expect(thrown).toMatchObject({ due: 5, written: 5, failed: 0, aborted: false });
    expect(calls).toBe(5);

    world.clock.advanceMinutes(15);
    const rejected = await runMaintenance(replica(world, log), { onProgress: () => Promise.reject(new Error("async display broke")) as unknown as void });
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejected).toMatchObject({ failed: 0, aborted: false });
    expect(debug.filter((m) => m === "onProgress threw; ignored")).toHaveLength(10);
  });
});
