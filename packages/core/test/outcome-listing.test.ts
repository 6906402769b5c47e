import { listJobRuns } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, runPoll, runRecordedJob, type RunProgress } from "../src/index.js";
import { chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const START = "2026-11-25T15:30:00Z";
const TODAY = "2026-11-25";
const NAMES = ["ana", "ben", "chen", "dora"];

describe("outcomes: exceptions on sqlite", () => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("lists only failed and skipped participants, with whole counts, while onProgress still sees everyone", async () => {
    world = await startDbWorld("sqlite", NAMES.map(chicagoMeetingSpec), START);
    const ana = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!, TODAY);
    // One request refused (a 400 is not retried): whichever participant it was fails.
    world.weconnectSim.failNext({ status: 400, count: 1 });
    const seen: RunProgress[] = [];
    const poll = await runPoll(world.runtime.ctx, { all: true, outcomes: "exceptions", onProgress: (p) => seen.push(p) });
    expect(poll).toMatchObject({ due: 4, polled: 3, written: 3, unchanged: 0, failed: 1 });
    expect(poll.participants.map((p) => p.outcome)).toEqual(["failed"]);
    expect(seen).toHaveLength(4);
    expect(seen.filter((p) => p.outcome.outcome === "written")).toHaveLength(3);

    const maintenance = await runMaintenance(world.runtime.ctx, { outcomes: "exceptions" });
    expect(maintenance).toMatchObject({ updated: 4, skipped: 0, failed: 0, participants: [] });
    // The full listing of the same run shape, for comparison: every participant.
    const full = await runMaintenance(world.runtime.ctx);
    expect(full.participants).toHaveLength(4);
    expect(full).toMatchObject({ updated: 4, skipped: 0 });
  });

  it("records a job run's counts from the counts, not from the list", async () => {
    world = await startDbWorld("sqlite", NAMES.map(chicagoMeetingSpec), START);
    const result = await runRecordedJob(world.runtime, "poll", { all: true, outcomes: "exceptions", replica: "test" });
    expect(result).toMatchObject({ written: 4, participants: [] });
    const runs = await listJobRuns(world.runtime.db.db, { job: "poll" });
    expect(runs.map((r) => ({ processed: r.processed, written: r.written, failed: r.failed, outcome: r.outcome }))).toEqual([{ processed: 4, written: 4, failed: 0, outcome: "ok" }]);
  });
});
