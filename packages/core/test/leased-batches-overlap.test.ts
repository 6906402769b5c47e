import { afterEach, describe, expect, it } from "vitest";
import { createRunRecorder } from "../src/run/run-result.js";
import { runParticipants } from "../src/run/run-participants.js";
import { DIALECTS, chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const START = "2026-11-25T15:30:00Z";
const NAMES = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, "0")}`);
const CONCURRENCY = 2; // batches of 4
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DIALECTS)("a leased run on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("claims the next batch while a slow participant of the last one still runs, never over the concurrency", async () => {
    world = await startDbWorld(dialect, NAMES.map(chicagoMeetingSpec), START);
    const ctx = world.runtime.ctx;
    const participants = await ctx.data.listParticipants();
    expect(participants).toHaveLength(NAMES.length);

    // The first participant to start holds its slot until five others have started: more than
    // the rest of its own batch of four. A run that waits for a batch's slowest participant
    // before claiming the next one can only get there through the timeout.
    let started = 0;
    let inFlight = 0;
    let peak = 0;
    let slowReleasedBy: "others" | "timeout" | undefined;
    const recorder = createRunRecorder();
    await runParticipants(ctx, participants, recorder, { job: "poll", concurrency: CONCURRENCY, owner: "replica-a" }, async (p) => {
      const first = started === 0;
      started += 1;
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        if (first) {
          for (const deadline = Date.now() + 3_000; started < 6; await sleep(5)) {
            if (Date.now() > deadline) {
              slowReleasedBy = "timeout";
              break;
            }
          }
          slowReleasedBy ??= "others";
        } else {
          await sleep(5);
        }
      } finally {
        inFlight -= 1;
      }
      return { participantId: p.id, name: p.name, outcome: "unchanged" };
    });

    expect(slowReleasedBy).toBe("others");
    expect(peak).toBe(CONCURRENCY);
    const outcomes = recorder.tally().participants;
    expect(outcomes.map((o) => o.participantId).sort((a, b) => a - b)).toEqual(participants.map((p) => p.id).sort((a, b) => a - b));
    expect(outcomes.every((o) => o.outcome === "unchanged")).toBe(true);
    // Every lease was given back: another replica can claim them all at once.
    expect((await ctx.data.claimParticipants({ ids: participants.map((p) => p.id), owner: "replica-b", job: "poll", now: ctx.now(), leaseMs: 60_000 })).length).toBe(NAMES.length);
  });
});
