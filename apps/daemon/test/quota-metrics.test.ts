import type { ApiBudgetUsage, QuotaUsage } from "@powertoken/core";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../src/metrics.js";
import type { PollSummary } from "../src/results.js";

const idle = (budgetPerMinute: number | null): ApiBudgetUsage => ({ requests: 0, budgetPerMinute, peakPerMinute: 0, waitedMs: 0, waits: 0, pauses: 0, refused: 0, postponed: 0, pausedUntil: null });

const quota: QuotaUsage = {
  weconnect: { ...idle(600), requests: 812, peakPerMinute: 600, waitedMs: 41_250, waits: 37 },
  tracker: { ...idle(null), requests: 300, peakPerMinute: 120, pauses: 1, refused: 4, postponed: 3, pausedUntil: new Date("2026-11-30T15:02:00Z") },
  oauth: idle(null),
};

const poll = (over: Partial<PollSummary> = {}): PollSummary => ({
  job: "poll",
  durationMs: 1200,
  due: 4,
  polled: 4,
  written: 2,
  unchanged: 1,
  skipped: 1,
  failed: 0,
  failuresByCode: {},
  ...over,
});

describe("quota metrics", () => {
  it("export each family's budget, peak, requests, waits, pauses and postponements from a run's result", async () => {
    const metrics = createMetrics();
    metrics.recordPoll(poll({ quota }));
    const { body } = await metrics.render();
    expect(body).toContain('powertoken_api_budget_per_minute{family="weconnect"} 600');
    expect(body).not.toContain('powertoken_api_budget_per_minute{family="tracker"}'); // unlimited: no value rather than a fake one
    expect(body).toContain('powertoken_api_budget_peak_per_minute{job="poll",family="weconnect"} 600');
    expect(body).toContain('powertoken_api_budget_requests_total{job="poll",family="weconnect"} 812');
    expect(body).toContain('powertoken_api_budget_wait_seconds_total{job="poll",family="weconnect"} 41.25');
    expect(body).toContain('powertoken_api_budget_waits_total{job="poll",family="weconnect"} 37');
    expect(body).toContain('powertoken_api_pauses_total{family="tracker"} 1');
    expect(body).toContain('powertoken_api_paused_refusals_total{family="tracker"} 4');
    expect(body).toContain('powertoken_participants_postponed_total{family="tracker"} 3');
    expect(body).toContain(`powertoken_api_paused_until_timestamp_seconds{family="tracker"} ${Date.parse("2026-11-30T15:02:00Z") / 1000}`);
    expect(body).toContain('powertoken_api_paused_until_timestamp_seconds{family="weconnect"} 0');
  });

  it("adds up counters over runs and shows the latest peak and pause", async () => {
    const metrics = createMetrics();
    metrics.recordPoll(poll({ quota }));
    metrics.recordPoll(poll({ quota: { ...quota, weconnect: { ...quota.weconnect, peakPerMinute: 90 }, tracker: { ...quota.tracker, pauses: 0, pausedUntil: null } } }));
    const { body } = await metrics.render();
    expect(body).toContain('powertoken_api_budget_requests_total{job="poll",family="weconnect"} 1624');
    expect(body).toContain('powertoken_api_budget_peak_per_minute{job="poll",family="weconnect"} 90');
    expect(body).toContain('powertoken_api_pauses_total{family="tracker"} 1');
    expect(body).toContain('powertoken_api_paused_until_timestamp_seconds{family="tracker"} 0');
  });

  it("stays silent about budgets for a result without quota figures", async () => {
    const metrics = createMetrics();
    metrics.recordPoll(poll());
    const { body } = await metrics.render();
    expect(body).not.toMatch(/powertoken_api_budget_requests_total\{/);
  });
});
