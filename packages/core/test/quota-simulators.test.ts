import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createWeconnectClient } from "@powertoken/weconnect";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";
import { createQuota, createRuntime, runPoll, type PowerTokenRuntime, type QuotaClock } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type Dialect, type DbWorld } from "./helpers/db-world.js";

/** One request as it left for the network: which API, where, and the fake time it started. */
interface Sent {
  at: number;
  host: "weconnect" | "google";
  path: string;
}

/**
 * A second runtime over the world's database with a quota config, the world's fake clock as the
 * quota's clock (a wait moves the clock on instead of sleeping), and a transport that records
 * every request that really went out before handing it to the real fetch.
 */
async function quotaRuntime(world: DbWorld, quota: Record<string, number>, options: { schema?: string } = {}): Promise<{ runtime: PowerTokenRuntime; sent: Sent[] }> {
  const sent: Sent[] = [];
  const clock: QuotaClock = {
    now: () => world.clock.now.getTime(),
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      const target = world.clock.now.getTime() + ms;
      // Time moves when the wait ends, after the requests already let through have been sent.
      return new Promise((resolve) =>
        setImmediate(() => {
          if (target > world.clock.now.getTime()) world.clock.now = new Date(target);
          resolve();
        }),
      );
    },
  };
  const transport: typeof globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    sent.push({ at: world.clock.now.getTime(), host: url.origin === new URL(world.weconnectSim.url).origin ? "weconnect" : "google", path: url.pathname });
    return globalThis.fetch(input, init);
  };
  const runtime = await createRuntime(
    { ...world.runtime.config, quota: { ...world.runtime.config.quota, ...quota } },
    { now: () => world.clock.now, quotaClock: clock, fetch: transport, ...(options.schema ? { schema: options.schema } : {}) },
  );
  return { runtime, sent };
}

/** The most requests that started in any 60 s window. */
function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= 60_000) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}`);

describe("quota budgets and 429s against the simulators", () => {
  let world: DbWorld | undefined;
  let runtime: PowerTokenRuntime | undefined;
  afterEach(async () => {
    await runtime?.close();
    await world?.close();
    runtime = undefined;
    world = undefined;
  });

  it("never starts more WEconnect requests than the budget in any minute, waiting rather than failing", async () => {
    world = await startDbWorld("sqlite", names(12).map(chicagoMeetingSpec), "2026-11-25T15:30:00Z");
    const started = world.clock.now.getTime();
    const q = await quotaRuntime(world, { weconnectPerMinute: 10 });
    runtime = q.runtime;
    const result = await runPoll(runtime.ctx, { all: true, concurrency: 4 });

    expect(result).toMatchObject({ due: 12, written: 12, failed: 0 });
    const weconnect = q.sent.filter((s) => s.host === "weconnect").map((s) => s.at);
    expect(weconnect).toHaveLength(24); // two reads per participant
    expect(busiestMinute(weconnect)).toBeLessThanOrEqual(10);
    // 24 starts at 10 a minute cannot fit in less than two minutes.
    expect(Math.max(...weconnect) - started).toBeGreaterThanOrEqual(120_000);
    expect(result.quota?.weconnect).toMatchObject({ requests: 24, budgetPerMinute: 10, peakPerMinute: 10, pauses: 0 });
    expect(result.quota!.weconnect.waits).toBeGreaterThan(0);
    expect(result.quota!.weconnect.waitedMs).toBeGreaterThan(0);
    expect(result.quota?.tracker).toMatchObject({ budgetPerMinute: null, waits: 0 });
  });

  it("stops a budget wait when the run's signal aborts: the waiting participants are skipped ABORTED, nothing fails", async () => {
    world = await startDbWorld("sqlite", names(3).map(chicagoMeetingSpec), "2026-11-25T15:30:00Z");
    const q = await quotaRuntime(world, { weconnectPerMinute: 1 });
    runtime = q.runtime;
    // A clock that never moves: a call over budget waits until the signal ends it.
    runtime.ctx.quota = createQuota({ settings: { budgetPerMinute: { weconnect: 1, tracker: null, oauth: null } }, clock: { now: () => 0, sleep: (_ms, signal) => new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason as Error))) } });
    const gated = createWeconnectClient({ baseUrl: world.weconnectSim.url, timeoutMs: 1_000, fetch: runtime.ctx.quota.gate("weconnect") });
    runtime.ctx.weconnect = gated;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await runPoll(runtime.ctx, { all: true, concurrency: 3, signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, written: 0, failed: 0, skipped: 3 });
    expect(result.participants.map((p) => p.code)).toEqual(["ABORTED", "ABORTED", "ABORTED"]);
    expect(result.quota?.weconnect.requests).toBe(1);
  });

  it("postpones the participant a WEconnect 429 was for, by its Retry-After, and polls the others", async () => {
    world = await startDbWorld("sqlite", names(3).map(chicagoMeetingSpec), "2026-11-25T15:30:00Z");
    const q = await quotaRuntime(world, {});
    runtime = q.runtime;
    const t0 = world.clock.now.getTime();
    world.weconnectSim.failNext({ status: 429, retryAfter: 30 });
    const result = await runPoll(runtime.ctx, { all: true, concurrency: 1 });
    const limited = result.participants.filter((p) => p.code === "RATE_LIMITED");
    expect(limited).toHaveLength(1);
    expect(limited[0]!.message).toBe(`weconnect answered 429; postponed until ${new Date(t0 + 30_000).toISOString()}.`);
    expect(result).toMatchObject({ written: 2, failed: 0 });
    expect(result.quota?.weconnect).toMatchObject({ postponed: 1, pauses: 0 });
    expect(runtime.ctx.quota?.blocked(limited[0]!.participantId, ["weconnect"])).toMatchObject({ scope: "participant", until: new Date(t0 + 30_000) });
  });

  it("pauses the tracker API after 429s for three participants until its Retry-After, then resumes", async () => {
    world = await startDbWorld("sqlite", names(5).map(chicagoMeetingSpec), "2026-11-25T15:30:00Z");
    const q = await quotaRuntime(world, {});
    runtime = q.runtime;
    world.googleSim.state.settings.perUserPerMinute = 0; // the project's quota is spent: every call answers 429
    world.googleSim.state.settings.rateLimitRetryAfterSeconds = 90;
    const t0 = world.clock.now.getTime();

    const burst = await runPoll(runtime.ctx, { all: true, concurrency: 1 });
    expect(burst).toMatchObject({ due: 5, written: 0, failed: 0, skipped: 5 });
    expect(burst.participants.every((p) => p.code === "RATE_LIMITED")).toBe(true);
    // Three participants met the 429; the other two never reached the tracker.
    expect(q.sent.filter((s) => s.host === "google" && s.path.includes("/v4/"))).toHaveLength(3);
    expect(burst.quota?.tracker).toMatchObject({ pauses: 1, postponed: 3, pausedUntil: new Date(t0 + 90_000) });
    // The third 429 began the pause; the two after it were turned away before any call.
    expect(burst.participants.filter((p) => p.message?.includes("API is paused"))).toHaveLength(3);

    world.googleSim.state.settings.perUserPerMinute = 300;
    world.clock.advanceMinutes(1);
    const before = q.sent.length;
    const during = await runPoll(runtime.ctx, { all: true });
    expect(during).toMatchObject({ written: 0, skipped: 5 });
    expect(q.sent.length).toBe(before); // no call at all, WEconnect included: nobody may start

    world.clock.set(new Date(t0 + 91_000).toISOString());
    const after = await runPoll(runtime.ctx, { all: true });
    expect(after).toMatchObject({ written: 5, skipped: 0, failed: 0 });
    expect(after.quota?.tracker.pausedUntil).toBeNull();
  });
});

describe("a call that waited for budget", () => {
  it("still gets the client's whole timeout once it is sent, instead of failing as a timeout", async () => {
    const sim = await startWeconnectSimulator();
    try {
      const person = sim.state.addPerson({ email: "w@example.org", password: "pw", timeZone: "UTC" });
      const session = { personId: person.id, token: sim.state.issueToken(person.id) };
      let t = 0;
      // Each wait for budget really lasts 400 ms, longer than the client's 250 ms timeout.
      const clock: QuotaClock = {
        now: () => t,
        sleep: (ms) => new Promise((resolve) => setTimeout(() => ((t += ms), resolve()), 400)),
      };
      const quota = createQuota({ clock, settings: { budgetPerMinute: { weconnect: 1, tracker: null, oauth: null } } });
      const client = createWeconnectClient({ baseUrl: sim.url, timeoutMs: 250, retry: { attempts: 1 }, fetch: quota.gate("weconnect") });
      await client.getPerson(session);
      const started = performance.now();
      await expect(client.getPerson(session)).resolves.toMatchObject({ id: person.id });
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    } finally {
      await sim.close();
    }
  });
});

describe.each(DIALECTS)("a 429 for one participant on %s", (dialect: Dialect) => {
  let world: DbWorld | undefined;
  const runtimes: PowerTokenRuntime[] = [];
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.close();
    await world?.close();
    world = undefined;
  });

  it("postpones only that participant, in this process and the next, until the advertised time", async () => {
    const schema = dialect === "postgres" ? `core_quota_${randomBytes(5).toString("hex")}` : undefined;
    world = await startDbWorld(dialect, ["ana", "ben", "cleo"].map(chicagoMeetingSpec), "2026-11-25T15:30:00Z", schema ? { schema } : {});
    const first = await quotaRuntime(world, {}, schema ? { schema } : {});
    runtimes.push(first.runtime);
    world.googleSim.state.settings.rateLimitRetryAfterSeconds = 120;
    for (const person of world.people.values()) world.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, "2026-11-25");
    for (let i = 0; i < 300; i += 1) world.googleSim.state.takeQuota("ana"); // ana's own per-user minute is used up
    const t0 = world.clock.now.getTime();

    const result = await runPoll(first.runtime.ctx, { all: true });
    const byName = Object.fromEntries(result.participants.map((p) => [p.name, p]));
    expect(byName.ana).toMatchObject({ outcome: "skipped", code: "RATE_LIMITED" });
    expect(byName.ana!.message).toContain(new Date(t0 + 120_000).toISOString());
    expect(byName.ben).toMatchObject({ outcome: "written", steps: 10_000 });
    expect(byName.cleo).toMatchObject({ outcome: "written" });
    expect(result.quota?.tracker).toMatchObject({ postponed: 1, pauses: 0, pausedUntil: null });
    expect(result.failed).toBe(0);

    // A new process (the next cron run) reads the postponement from the database: ana is not
    // touched, not even on WEconnect, while the others are polled.
    world.clock.advanceMinutes(1);
    const next = await quotaRuntime(world, {}, schema ? { schema } : {});
    runtimes.push(next.runtime);
    const ana = world.people.get("ana")!;
    const again = await runPoll(next.runtime.ctx, { all: true });
    expect(again.participants.find((p) => p.name === "ana")).toMatchObject({ outcome: "skipped", code: "RATE_LIMITED" });
    expect(again.participants.filter((p) => p.name !== "ana").every((p) => p.outcome === "unchanged")).toBe(true);
    expect(next.sent.some((s) => s.path.includes(`/People/${ana.personId}/`))).toBe(false);
    expect(next.sent.some((s) => s.host === "weconnect")).toBe(true);

    world.clock.set(new Date(t0 + 121_000).toISOString());
    const later = await runPoll(next.runtime.ctx, { all: true });
    expect(later.participants.find((p) => p.name === "ana")).toMatchObject({ outcome: "written" });
    expect(world.view("ana", "2026-11-25")).toMatchObject({ steps: 10_000, entries: 1 });
  });
});
