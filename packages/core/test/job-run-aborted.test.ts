import { closeAbandonedJobRuns, listJobRuns, startJobRun } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { closeAbandonedJobRuns as closeThroughCore, getJobHealth, runRecordedJob } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

describe.each(DIALECTS)("a job run cut short by shutdown, on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("is recorded partial and aborted with the participants it never started (it was 'ok'), and job health says so", async () => {
    world = await startDbWorld(dialect, ["ana", "ben", "cy"].map(chicagoMeetingSpec), "2026-11-30T15:30:00Z");
    const runtime = world.runtime;
    for (const person of world.people.values()) world.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!);
    world.clock.set("2026-11-30T15:50:00Z");
    // Shutdown arrives once the first participant is done: the other two never start.
    const controller = new AbortController();
    const poll = await runRecordedJob(runtime, "poll", { all: true, concurrency: 1, replica: "daemon-a", alerts: false, signal: controller.signal, onProgress: () => controller.abort() });
    expect(poll).toMatchObject({ aborted: true, written: 1, failed: 0 });

    const [run] = await listJobRuns(runtime.db.db, { job: "poll", limit: 1 });
    expect(run).toMatchObject({ outcome: "partial", aborted: true, notStarted: 2, written: 1, failed: 0, error: null });
    const [pollHealth] = await getJobHealth(runtime);
    expect(pollHealth!.lastRun).toMatchObject({ outcome: "partial", aborted: true, notStarted: 2 });

    // The next, whole run is ok again.
    world.clock.advanceMinutes(15);
    await runRecordedJob(runtime, "poll", { all: true, replica: "daemon-a", alerts: false });
    expect((await getJobHealth(runtime))[0]!.lastRun).toMatchObject({ outcome: "ok", aborted: false, notStarted: 0 });
  });

  it("a maintenance run stopped before it started any participant is partial, aborted, none started", async () => {
    world = await startDbWorld(dialect, ["ana", "ben"].map(chicagoMeetingSpec), "2026-11-30T15:30:00Z");
    const controller = new AbortController();
    controller.abort();
    await runRecordedJob(world.runtime, "maintenance", { replica: "daemon-a", alerts: false, signal: controller.signal });
    const [run] = await listJobRuns(world.runtime.db.db, { job: "maintenance", limit: 1 });
    expect(run).toMatchObject({ outcome: "partial", aborted: true, notStarted: 2, failed: 0 });
  });

  it("closeAbandonedJobRuns (through core) closes the dead replica's open run, so job health no longer shows it running", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-30T15:30:00Z");
    const runtime = world.runtime;
    expect(closeThroughCore).toBe(closeAbandonedJobRuns);
    // A run whose process died: started, never finished.
    await startJobRun(runtime.db.db, { job: "poll", owner: "daemon-dead", startedAt: world.clock.now });
    expect((await getJobHealth(runtime))[0]!.runningSince).toEqual(world.clock.now);
    world.clock.advanceMinutes(5);
    expect(await closeThroughCore(runtime.db.db, { replica: "daemon-dead", now: world.clock.now, reason: "Instance lock taken over from a dead daemon." })).toBe(1);
    const [health] = await getJobHealth(runtime);
    expect(health!.runningSince).toBeNull();
    expect(health!.lastRun).toMatchObject({ owner: "daemon-dead", outcome: "failed" });
  });
});
