import { describe, expect, it } from "vitest";
import { ConfigSchema, createQuota, createSlidingWindow, formatQuotaUsage, quotaSettingsFromConfig, quotaWorthReporting, retryAfterMsOf, trackQuotaUsage, type QuotaClock } from "../src/index.js";

/** A fake clock: a wait moves time on to its end at once. */
function fakeClock(start = 0): QuotaClock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      const target = clock.t + ms;
      // Time moves when the wait ends, after callers already served have run.
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          clock.t = Math.max(clock.t, target);
          resolve();
        }),
      );
    },
  };
  return clock;
}

describe("the request budget (sliding window)", () => {
  it("never lets more than the limit start in any 60 s, however many callers queue", async () => {
    const clock = fakeClock();
    const budget = createSlidingWindow({ limit: 5, clock });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 23 }, () => budget.acquire().then(() => starts.push(clock.now()))));
    expect(starts).toHaveLength(23);
    for (const t of starts) expect(starts.filter((s) => s >= t && s < t + 60_000).length).toBeLessThanOrEqual(5);
    // 23 starts at 5 a minute need four full windows.
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(4 * 60_000);
  });

  it("serves waiters first come, first served", async () => {
    const clock = fakeClock();
    const budget = createSlidingWindow({ limit: 1, clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => budget.acquire().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it("drops a waiter whose signal aborts and keeps serving the others", async () => {
    const clock = fakeClock();
    const budget = createSlidingWindow({ limit: 1, clock });
    await budget.acquire();
    const controller = new AbortController();
    const doomed = budget.acquire(controller.signal);
    const fine = budget.acquire();
    controller.abort(new Error("run stopped"));
    await expect(doomed).rejects.toThrow("run stopped");
    await expect(fine).resolves.toMatchObject({ inWindow: 1 });
  });

  it("still grants a start to a stopped run while there is room: only waits end on the signal", async () => {
    const budget = createSlidingWindow({ limit: 1, clock: fakeClock() });
    const stopped = AbortSignal.abort(new Error("run stopped"));
    await expect(budget.acquire(stopped)).resolves.toMatchObject({ waitedMs: 0 });
    await expect(budget.acquire(stopped)).rejects.toThrow("run stopped");
  });

  it("reports how long a start waited and how many starts the window holds", async () => {
    const clock = fakeClock(1_000);
    const budget = createSlidingWindow({ limit: 2, clock });
    expect(await budget.acquire()).toEqual({ waitedMs: 0, inWindow: 1 });
    expect(await budget.acquire()).toEqual({ waitedMs: 0, inWindow: 2 });
    const third = await budget.acquire();
    expect(third.waitedMs).toBe(60_000);
    expect(budget.inWindow()).toBe(1);
  });

  it("counts without limiting when the limit is null", async () => {
    const budget = createSlidingWindow({ limit: null, clock: fakeClock() });
    for (let i = 0; i < 1000; i += 1) await budget.acquire();
    expect(budget.inWindow()).toBe(1000);
  });
});

describe("429 bookkeeping", () => {
  it("pauses a family only when enough different participants met a 429 within the window", async () => {
    const clock = fakeClock(0);
    const quota = createQuota({ clock, settings: { burstParticipants: 3, burstWindowMs: 60_000 } });
    await quota.noteRateLimited({ participantId: 1, family: "tracker", retryAfterMs: 30_000 });
    await quota.noteRateLimited({ participantId: 1, family: "tracker", retryAfterMs: 30_000 }); // the same one again
    await quota.noteRateLimited({ participantId: 2, family: "weconnect", retryAfterMs: 30_000 }); // another family
    expect(quota.pausedUntil("tracker")).toBeUndefined();
    clock.t = 61_000; // the first ones are out of the window now
    await quota.noteRateLimited({ participantId: 3, family: "tracker", retryAfterMs: 10_000 });
    await quota.noteRateLimited({ participantId: 4, family: "tracker", retryAfterMs: 20_000 });
    expect(quota.pausedUntil("tracker")).toBeUndefined();
    const third = await quota.noteRateLimited({ participantId: 5, family: "tracker", retryAfterMs: 5_000 });
    // The pause lasts until the furthest time any of the three was told.
    expect(third.pausedUntil).toEqual(new Date(61_000 + 20_000));
    expect(quota.blocked(99, ["weconnect", "tracker"])).toEqual({ family: "tracker", until: new Date(81_000), scope: "api" });
    expect(quota.blocked(99, ["weconnect"])).toBeUndefined();
    clock.t = 81_000;
    expect(quota.blocked(99, ["tracker"])).toBeUndefined();
  });

  it("postpones a participant by the default wait when the 429 said nothing, capped by maxRetryAfterMs", async () => {
    const clock = fakeClock(0);
    const quota = createQuota({ clock, settings: { defaultRetryAfterMs: 45_000, maxRetryAfterMs: 600_000 } });
    expect((await quota.noteRateLimited({ participantId: 7, family: "weconnect", retryAfterMs: undefined })).until).toEqual(new Date(45_000));
    expect((await quota.noteRateLimited({ participantId: 8, family: "weconnect", retryAfterMs: 86_400_000 })).until).toEqual(new Date(600_000));
    expect(quota.blocked(7, ["weconnect"])).toMatchObject({ scope: "participant", until: new Date(45_000) });
    expect(quota.blocked(7, ["tracker"])).toBeUndefined();
  });

  it("refuses a call to a paused family with API_PAUSED and tells the participant's scope, sending nothing", async () => {
    const clock = fakeClock(0);
    const quota = createQuota({ clock, settings: { burstParticipants: 1 } });
    await quota.noteRateLimited({ participantId: 1, family: "oauth", retryAfterMs: 5_000 });
    let sent = 0;
    const fetch = quota.gate("oauth", () => {
      sent += 1;
      return Promise.resolve(new Response("{}"));
    });
    const scope = { participantId: 2 };
    await expect(quota.runAs(scope, () => fetch("http://127.0.0.1:1/token"))).rejects.toMatchObject({ name: "CoreError", code: "API_PAUSED", retryAt: new Date(5_000) });
    expect(scope).toMatchObject({ refused: { family: "oauth", until: new Date(5_000) } });
    expect(sent).toBe(0);
  });

  it("reads Retry-After as seconds or a date, and legacy Fitbit's reset header", () => {
    const now = Date.parse("2026-11-30T12:00:00Z");
    expect(retryAfterMsOf(new Headers({ "retry-after": "30" }), now)).toBe(30_000);
    expect(retryAfterMsOf(new Headers({ "retry-after": "Mon, 30 Nov 2026 12:01:00 GMT" }), now)).toBe(60_000);
    expect(retryAfterMsOf(new Headers({ "retry-after": "5", "fitbit-rate-limit-reset": "1200" }), now)).toBe(1_200_000);
    expect(retryAfterMsOf(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(retryAfterMsOf(new Headers(), now)).toBeUndefined();
  });
});

describe("quota settings and reporting", () => {
  it("reads budgets from the config (absent is unlimited) and seconds as ms", () => {
    const settings = quotaSettingsFromConfig(ConfigSchema.parse({ quota: { trackerPerMinute: 1200, burstParticipants: 5, defaultRetryAfterSeconds: 30 } }));
    expect(settings).toMatchObject({ budgetPerMinute: { weconnect: null, tracker: 1200, oauth: null }, burstParticipants: 5, burstWindowMs: 60_000, defaultRetryAfterMs: 30_000, maxRetryAfterMs: 3_600_000 });
    expect(() => ConfigSchema.parse({ quota: { weconnectPerMinute: 0 } })).toThrow();
  });

  it("prints one line naming each family's requests, peak against budget, waits and pauses", async () => {
    const clock = fakeClock(0);
    const quota = createQuota({ clock, settings: { budgetPerMinute: { weconnect: 2, tracker: null, oauth: null }, burstParticipants: 1 } });
    const tracker = await trackQuotaUsage({ quota });
    const fetch = quota.gate("weconnect", () => Promise.resolve(new Response("[]")));
    for (let i = 0; i < 3; i += 1) await fetch("http://127.0.0.1:1/api/People/1/activities");
    await quota.noteRateLimited({ participantId: 1, family: "tracker", retryAfterMs: 30_000 });
    const usage = tracker.finish()!;
    expect(usage.weconnect).toMatchObject({ requests: 3, budgetPerMinute: 2, peakPerMinute: 2, waits: 1, waitedMs: 60_000 });
    expect(usage.tracker).toMatchObject({ pauses: 1, postponed: 1, pausedUntil: new Date(60_000 + 30_000) });
    expect(quotaWorthReporting(usage)).toBe(true);
    expect(formatQuotaUsage(usage)).toBe(
      "quota: weconnect 3 req, peak 2/2 per min, waited 60.0 s over 1 calls; tracker 0 req, peak 0 per min, 1 pause, paused until 1970-01-01T00:01:30.000Z, 1 postponed; oauth 0 req, peak 0 per min",
    );
  });

  it("has nothing to report when no budget is set and nothing was paused", async () => {
    const quota = createQuota({ clock: fakeClock(0) });
    const tracker = await trackQuotaUsage({ quota });
    expect(quotaWorthReporting(tracker.finish())).toBe(false);
    expect(quotaWorthReporting(undefined)).toBe(false);
  });
});
