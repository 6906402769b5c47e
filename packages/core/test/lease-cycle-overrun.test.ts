import { randomBytes } from "node:crypto";
import { openDatabase, type DatabaseHandle } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { createDbCoreData, runPoll, type PollResult, type PowerTokenContext } from "../src/index.js";
import { DIALECTS, POSTGRES_URL, chicagoMeetingSpec, startDbWorld, type DbWorld, type Dialect } from "./helpers/db-world.js";

// A busy machine stretches a run past its cycle (the daemon's three-replica test saw 70 s runs on
// a 10 s schedule). A participant another replica released as done this cycle is held only until
// the cycle's end, so a run still claiming after that must not take it again.
const START = "2026-11-25T15:30:00Z";
const NAMES = Array.from({ length: 8 }, (_, i) => `p${String(i).padStart(2, "0")}`);
const CYCLE_MS = 15 * 60_000;
// What the daemon passes: the next tick less a tenth of the interval (at most 30 s).
const CYCLE_END_MS = CYCLE_MS - 30_000;

const processed = (result: PollResult) => result.participants.filter((p) => p.outcome !== "skipped").map((p) => p.participantId);
const codes = (result: PollResult) => [...new Set(result.participants.map((p) => p.code ?? p.outcome))].sort();

describe.each(DIALECTS)("a leased run on %s that reaches past its cycle's end", (dialect: Dialect) => {
  let world: DbWorld | undefined;
  const handles: DatabaseHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    await world?.close();
    world = undefined;
  });

  /** Two replica contexts over one database (own pool each on PostgreSQL), on the world's clock. */
  async function twoReplicas(): Promise<{ world: DbWorld; a: PowerTokenContext; b: PowerTokenContext }> {
    const schema = dialect === "postgres" ? `core_${randomBytes(6).toString("hex")}` : undefined;
    world = await startDbWorld(dialect, NAMES.map(chicagoMeetingSpec), START, { schema });
    const base = world.runtime.ctx;
    const ctxs: PowerTokenContext[] = [];
    for (let i = 0; i < 2; i += 1) {
      let data = base.data;
      if (schema !== undefined) {
        const handle = await openDatabase({ url: POSTGRES_URL, keys: world.runtime.db.keys, schema, poolSize: 4 });
        handles.push(handle);
        data = createDbCoreData(handle);
      }
      ctxs.push({ ...base, data, inFlight: new Map(), requestListeners: new Set() });
    }
    return { world, a: ctxs[0]!, b: ctxs[1]! };
  }

  it("takes nobody another replica did this cycle when the run starts after the cycle's end", async () => {
    const { world, a, b } = await twoReplicas();
    const cycleEndsAt = new Date(world.clock.now.getTime() + CYCLE_END_MS);
    expect(processed(await runPoll(a, { all: true, owner: "a", cycleEndsAt }))).toHaveLength(NAMES.length);

    // b's run of the same tick starts 14 min 45 s late: after the cycle's end, before the next tick.
    world.clock.advanceMinutes(14.75);
    const late = await runPoll(b, { all: true, owner: "b", cycleEndsAt });
    expect(processed(late)).toEqual([]);
    expect(codes(late)).toEqual(["LEASED"]);

    // The next cycle's run takes them all.
    world.clock.advanceMinutes(0.5);
    const next = await runPoll(b, { all: true, owner: "b", cycleEndsAt: new Date(world.clock.now.getTime() + CYCLE_END_MS) });
    expect(processed(next)).toHaveLength(NAMES.length);
  });

  it("takes nobody another replica did this cycle when its own run outlasts the cycle", async () => {
    const { world, a, b } = await twoReplicas();
    const cycleEndsAt = new Date(world.clock.now.getTime() + CYCLE_END_MS);
    const mine = new Set([...world.people.values()].map((p) => p.id).slice(0, 2));
    // b does everyone but two in this cycle.
    const others = [...world.people.values()].filter((p) => !mine.has(p.id)).map((p) => p.id);
    const bClaims = await b.data.claimParticipants({ ids: others, owner: "b", job: "poll", now: world.clock.now, leaseMs: b.settings.leaseMs });
    expect(bClaims).toHaveLength(others.length);
    await b.data.releaseParticipants({ ids: others, owner: "b", job: "poll", until: cycleEndsAt });

    // a's run of the same tick is slow: every outcome takes it 3 minutes, so its later batches
    // (two participants each) claim after the cycle's end, when b's released leases have run out.
    const slow = await runPoll(a, { all: true, owner: "a", concurrency: 1, cycleEndsAt, onProgress: () => world.clock.advanceMinutes(3) });
    expect(world.clock.now.getTime()).toBeGreaterThan(cycleEndsAt.getTime());
    expect(processed(slow).sort((x, y) => x - y)).toEqual([...mine].sort((x, y) => x - y));
    expect(slow.failed).toBe(0);
  });
});
