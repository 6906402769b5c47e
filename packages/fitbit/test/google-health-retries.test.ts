import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RequestInfo } from "../src/index.js";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "../src/simulator/index.js";
import { googleTracker } from "./_google.js";

const day = { date: "2026-11-25", timeZone: "America/Los_Angeles" };
let sim: GoogleHealthSimulator;

beforeAll(async () => {
  sim = await startGoogleHealthSimulator({ users: [] });
});
afterAll(() => sim.close());
beforeEach(() => Object.assign(sim.state.settings, { perUserPerMinute: 300, rateLimitRetryAfterSeconds: null }));

function recorder() {
  const seen: RequestInfo[] = [];
  const waits: number[] = [];
  return { seen, waits, onRequest: (i: RequestInfo) => seen.push(i), sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

describe("Google Health retries (docs/google-health-api.md#retries)", () => {
  it("retries 503 and 504, but never 500 or 501", async () => {
    for (const [status, attempts] of [[503, 3], [504, 3], [500, 1], [501, 1]] as const) {
      const r = recorder();
      const { tracker } = googleTracker(sim, `s${status}-user`, { onRequest: r.onRequest, sleep: r.sleep });
      sim.failNext({ status, count: attempts, match: "/settings" });
      await expect(tracker.getTimeZone(`s${status}-user`)).rejects.toMatchObject({ code: "SERVER", status });
      expect(r.seen.map((i) => i.status)).toEqual(Array(attempts).fill(status));
    }
  });

  it("backs off with full jitter on a 429 without Retry-After, exponentially capped", async () => {
    const r = recorder();
    const { tracker } = googleTracker(sim, "jit-user", { sleep: r.sleep, retry: { retries: 4, baseDelayMs: 100 } });
    sim.state.settings.perUserPerMinute = 0;
    await expect(tracker.getTimeZone("jit-user")).rejects.toMatchObject({ code: "RATE_LIMITED", status: 429, upstreamCode: "RATE_LIMIT_EXCEEDED" });
    expect(r.waits).toHaveLength(4);
    r.waits.forEach((ms, index) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** index);
    });
  });

  it("waits what Retry-After says on a 429 that carries it", async () => {
    const r = recorder();
    const { tracker } = googleTracker(sim, "ra-user", { sleep: r.sleep });
    sim.state.settings.perUserPerMinute = 0;
    sim.state.settings.rateLimitRetryAfterSeconds = 7;
    await expect(tracker.getTimeZone("ra-user")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 7000 });
    expect(r.waits).toEqual([7000, 7000]);
  });

  it("retries writes that are idempotent by our id (create, patch, batchDelete)", async () => {
    const r = recorder();
    const { tracker } = googleTracker(sim, "w-user", { onRequest: r.onRequest, sleep: r.sleep, now: () => new Date("2026-11-25T20:00:00Z") });
    sim.failNext({ status: 503, match: "/dataPoints" });
    const first = await tracker.showDay({ accountKey: "w-user", ...day, steps: 5, label: "x" });
    sim.failNext({ status: 503, match: "/dataPoints/" });
    await tracker.showDay({ accountKey: "w-user", ...day, steps: 6, label: "x", knownEntryId: first.entryId });
    sim.failNext({ status: 504, match: "batchDelete" });
    await tracker.clearDay({ accountKey: "w-user", ...day });
    expect(r.seen.map((i) => `${i.method} ${i.operation} ${i.status} #${i.attempt}`)).toEqual([
      "POST create-point 503 #1",
      "POST create-point 200 #2",
      "PATCH patch-point 503 #1",
      "PATCH patch-point 200 #2",
      "POST batch-delete 504 #1",
      "POST batch-delete 200 #2",
    ]);
  });

  it("arms a fresh timeout for each retry", async () => {
    const r = recorder();
    const { tracker } = googleTracker(sim, "slow-user", { onRequest: r.onRequest, timeoutMs: 80 });
    sim.failNext({ delayMs: 300, count: 3, match: "/settings" });
    await expect(tracker.getTimeZone("slow-user")).rejects.toMatchObject({ code: "NETWORK" });
    expect(r.seen.map((i) => i.status)).toEqual([0, 0, 0]);
  });
});

describe("onRequest operations", () => {
  it("names each call's operation and method, OAuth's token refresh included", async () => {
    const r = recorder();
    const { tracker } = googleTracker(sim, "op-user", { onRequest: r.onRequest });
    sim.state.oauth.expireAccessTokens("op-user");
    await tracker.getTimeZone("op-user");
    await tracker.getIdentity("op-user");
    await tracker.dailySteps({ accountKey: "op-user", date: day.date });
    await tracker.readDay({ accountKey: "op-user", ...day });
    expect(r.seen.map((i) => `${i.method} ${i.operation} ${i.status}`)).toEqual([
      "GET settings 401",
      "POST token-refresh 200",
      "GET settings 200",
      "GET identity 200",
      "POST daily-steps 200",
      "GET get-point 404",
    ]);
  });
});
