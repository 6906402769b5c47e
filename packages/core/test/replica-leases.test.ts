import { randomBytes } from "node:crypto";
import { listAudit, openDatabase, type DatabaseHandle } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { createDbCoreData, runPoll, type PollResult, type PowerTokenContext } from "../src/index.js";
import { DIALECTS, POSTGRES_URL, chicagoMeetingSpec, startDbWorld, type DbWorld, type Dialect } from "./helpers/db-world.js";

const START = "2026-11-25T15:30:00Z";
const spec = chicagoMeetingSpec;
const NAMES = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, "0")}`);
const CYCLE_MS = 15 * 60_000;

/** Ids a run actually processed (not skipped). */
const processed = (result: PollResult) => result.participants.filter((p) => p.outcome !== "skipped").map((p) => p.participantId);
const codes = (result: PollResult) => [...new Set(result.participants.map((p) => p.code ?? p.outcome))].sort();

describe.each(DIALECTS)("replicas sharing one %s database", (dialect: Dialect) => {
  let world: DbWorld | undefined;
  const handles: DatabaseHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    await world?.close();
    world = undefined;
  });

  /** The world and `count` replica contexts: own in-process guard each, own pool on PostgreSQL. */
  async function replicas(count: number): Promise<{ world: DbWorld; ctxs: PowerTokenContext[] }> {
    const schema = dialect === "postgres" ? `core_${randomBytes(6).toString("hex")}` : undefined;
    world = await startDbWorld(dialect, NAMES.map(spec), START, { schema });
    const base = world.runtime.ctx;
    const ctxs: PowerTokenContext[] = [];
    for (let i = 0; i < count; i += 1) {
      let data = base.data;
      if (schema !== undefined) {
        const handle = await openDatabase({ url: POSTGRES_URL, keys: world.runtime.db.keys, schema, poolSize: 4 });
        handles.push(handle);
        data = createDbCoreData(handle);
      }
      ctxs.push({ ...base, data, inFlight: new Map(), requestListeners: new Set() });
    }
    return { world, ctxs };
  }

  it("lets a replica that starts late in the same cycle process nobody another replica already did", async () => {
    const { world, ctxs } = await replicas(2);
    const [a, b] = ctxs as [PowerTokenContext, PowerTokenContext];
    const cycleEndsAt = () => new Date(world.clock.now.getTime() + CYCLE_MS);

    const first = await runPoll(a, { all: true, owner: "a", cycleEndsAt: cycleEndsAt() });
    expect(processed(first)).toHaveLength(NAMES.length);
    world.clock.advanceMinutes(5);
    const late = await runPoll(b, { all: true, owner: "b", cycleEndsAt: new Date(first.startedAt.getTime() + CYCLE_MS) });
    expect(processed(late)).toEqual([]);
    expect(late).toMatchObject({ skipped: NAMES.length, failed: 0, failuresByCode: {} });
    expect(codes(late)).toEqual(["LEASED"]);
  });

  it("makes every participant claimable again once cycleEndsAt has passed", async () => {
    const { world, ctxs } = await replicas(2);
    const [a, b] = ctxs as [PowerTokenContext, PowerTokenContext];
    await runPoll(a, { all: true, owner: "a", cycleEndsAt: new Date(world.clock.now.getTime() + CYCLE_MS) });
    world.clock.advanceMinutes(15);
    const next = await runPoll(b, { all: true, owner: "b", cycleEndsAt: new Date(world.clock.now.getTime() + CYCLE_MS) });
    expect(processed(next)).toHaveLength(NAMES.length);
    expect(next.failed).toBe(0);
    // And within that new cycle, replica a now finds them all done.
    world.clock.advanceMinutes(1);
    expect(processed(await runPoll(a, { all: true, owner: "a", cycleEndsAt: new Date(world.clock.now.getTime() + CYCLE_MS) }))).toEqual([]);
  });

  it("splits a cycle's participants between replicas running at once, each processed exactly once", async () => {
    const { world, ctxs } = await replicas(3);
    const cycleEndsAt = new Date(world.clock.now.getTime() + CYCLE_MS);
    const results = await Promise.all(ctxs.map((ctx, i) => runPoll(ctx, { all: true, owner: `r${i}`, concurrency: 1, cycleEndsAt })));
    const all = results.flatMap(processed);
    expect(all.sort((x, y) => x - y)).toEqual([...world.people.values()].map((p) => p.id).sort((x, y) => x - y));
    const [first, second] = results as [PollResult, PollResult];
    expect(processed(first).length).toBeGreaterThan(0);
    expect(processed(second).length).toBeGreaterThan(0);
    for (const r of results) expect(r).toMatchObject({ failed: 0, failuresByCode: {} });
    // Each written once: one confirmed tracker-write in the audit log (0 steps show no Google Health entry).
    for (const name of NAMES) {
      const audit = await listAudit(world.runtime.db.db, { participantId: world.people.get(name)!.id, actions: ["tracker-write"] });
      expect(audit.map((a) => [a.outcome, a.steps])).toEqual([["ok", 0]]);
    }
  });

  it("takes over a crashed replica's participants only after leaseMs", async () => {
    const { world, ctxs } = await replicas(1);
    const a = ctxs[0]!;
    const ids = [...world.people.values()].map((p) => p.id);
    const leaseMs = a.settings.leaseMs;
    // A replica claims everything and dies before releasing.
    expect(await a.data.claimParticipants({ ids, owner: "crashed", job: "poll", now: world.clock.now, leaseMs })).toHaveLength(ids.length);

    world.clock.advanceMinutes(leaseMs / 60_000 - 1);
    const during = await runPoll(a, { all: true, owner: "a", cycleEndsAt: new Date(world.clock.now.getTime() + CYCLE_MS) });
    expect(processed(during)).toEqual([]);
    expect(codes(during)).toEqual(["LEASED"]);

    world.clock.advanceMinutes(1);
    const after = await runPoll(a, { all: true, owner: "a", cycleEndsAt: new Date(world.clock.now.getTime() + CYCLE_MS) });
    expect(processed(after)).toHaveLength(ids.length);
    expect(after.failed).toBe(0);
  });

  it("releases participants an aborted run never started at once, so another replica can take them", async () => {
    const { world, ctxs } = await replicas(2);
    const [a, b] = ctxs as [PowerTokenContext, PowerTokenContext];
    const controller = new AbortController();
    const cycleEndsAt = new Date(world.clock.now.getTime() + CYCLE_MS);
    let started = 0;
    const listener = () => {
      started += 1;
      if (started === 1) controller.abort();
    };
    world.runtime.ctx.requestListeners.add(listener); // the clients notify the runtime's set
    const stopped = await runPoll(a, { all: true, owner: "a", concurrency: 1, cycleEndsAt, signal: controller.signal });
    world.runtime.ctx.requestListeners.delete(listener);
    expect(stopped.aborted).toBe(true);
    const done = processed(stopped);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(NAMES.length);

    const rest = await runPoll(b, { all: true, owner: "b", cycleEndsAt });
    expect(processed(rest).sort((x, y) => x - y)).toEqual([...world.people.values()].map((p) => p.id).filter((id) => !done.includes(id)).sort((x, y) => x - y));
  });
});
