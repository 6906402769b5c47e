import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "@powertoken/core";
import { createDaemon, type Daemon } from "../src/create-daemon.js";
import { createMetrics } from "../src/metrics.js";
import type { MaintenanceSummary, PollSummary } from "../src/results.js";
import { createFakeClock, settle } from "./fake-clock.js";

const poll = (over: Partial<PollSummary> = {}): PollSummary => ({
  job: "poll",
  durationMs: 1200,
  due: 4,
  polled: 4,
  written: 2,
  unchanged: 1,
  skipped: 0,
  failed: 1,
  failuresByCode: { UNAUTHORIZED: 1 },
  requests: { weconnect: 8, tracker: 3 },
  rateLimited: { weconnect: 0, tracker: 1 },
  aborted: false,
  participants: [
    { participantId: 7141, outcome: "written" },
    { participantId: 7142, outcome: "failed", code: "UNAUTHORIZED" },
  ],
  ...over,
});

const maintenance: MaintenanceSummary = {
  job: "maintenance",
  durationMs: 800,
  removedIncomplete: 1,
  tokensRefreshed: 3,
  tokensFailed: 0,
  statusChanges: 0,
  activitiesUpserted: 5,
  activitiesRemoved: 0,
  eventsUpserted: 9,
  goalsSet: 2,
  tokensChecked: 0,
  tokensRestored: 0,
  driftChecked: 0,
  driftRepaired: 0,
  driftFailed: 0,
  updated: 4,
  skipped: 0,
  failed: 0,
  failuresByCode: {},
  participants: [],
};

let daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.map((d) => d.stop(1000)));
  daemons = [];
});

async function start(options: { pollResult?: () => Promise<PollSummary>; database?: () => Promise<void> } = {}) {
  const metrics = createMetrics();
  const clock = createFakeClock(Date.parse("2026-03-02T10:01:00Z"));
  const daemon = createDaemon({
    jobs: { poll: options.pollResult ?? (() => Promise.resolve(poll())), maintenance: () => Promise.resolve(maintenance) },
    schedules: { poll: "*/15 * * * *", maintenance: "0 * * * *" },
    log: silentLogger,
    metrics,
    checkDatabase: options.database ?? (() => Promise.resolve()),
    http: { host: "127.0.0.1", port: 0 },
    clock,
  });
  daemons.push(daemon);
  const { url } = await daemon.start();
  return { daemon, metrics, clock, url: url! };
}

async function runJob(daemon: Daemon, job: "poll" | "maintenance") {
  expect(daemon.scheduler.trigger(job)).toBe(true);
  while (daemon.scheduler.running().includes(job)) await settle();
}

describe("health endpoints", () => {
  it("answers /healthz with 200 while the process runs, on 127.0.0.1", async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz with 200 when the database answers and no run has failed", async () => {
    const { url, daemon } = await start();
    await runJob(daemon, "poll"); // partial: one participant failed, that is not unready
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, checks: { database: "ok", poll: "ok", maintenance: "ok", shutdown: "ok" } });
  });

  it("answers /readyz with 503 and only the error code when the database does not answer", async () => {
    const secret = "postgres://app:hunter2@db/powertoken";
    const { url } = await start({ database: () => Promise.reject(Object.assign(new Error(`cannot reach ${secret}`), { code: "CONNECTION_FAILED" })) });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ ready: false, checks: { database: "database unreachable: CONNECTION_FAILED" } });
    expect(text).not.toContain("hunter2");
  });

  it("answers /readyz with 503 after a run that threw, and 200 again after one that succeeds", async () => {
    let fail = true;
    const { url, daemon } = await start({ pollResult: () => (fail ? Promise.reject(new Error("boom")) : Promise.resolve(poll())) });
    await runJob(daemon, "poll");
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { poll: "the last poll run failed" } });
    fail = false;
    await runJob(daemon, "poll");
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it("counts a run in which every participant failed as failed", async () => {
    const { url, daemon } = await start({ pollResult: () => Promise.resolve(poll({ written: 0, unchanged: 0, failed: 4, failuresByCode: { NETWORK: 4 } })) });
    await runJob(daemon, "poll");
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('powertoken_runs_total{job="poll",outcome="failed"} 1');
  });

  it("answers unknown paths with 404 and other methods with 405", async () => {
    const { url } = await start();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const post = await fetch(`${url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("/metrics", () => {
  it("exposes runs, durations, participants, failures by code, maintenance effects and last success in Prometheus text", async () => {
    const { url, daemon } = await start();
    await runJob(daemon, "poll");
    await runJob(daemon, "maintenance");
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    for (const line of [
      'powertoken_runs_total{job="poll",outcome="partial"} 1',
      'powertoken_runs_total{job="maintenance",outcome="ok"} 1',
      'powertoken_run_duration_seconds_count{job="poll"} 1',
      'powertoken_poll_participants_total{outcome="written"} 2',
      'powertoken_poll_participants_total{outcome="unchanged"} 1',
      'powertoken_poll_participants_total{outcome="failed"} 1',
      'powertoken_participant_failures_total{job="poll",code="UNAUTHORIZED"} 1',
      'powertoken_maintenance_changes_total{kind="tokens_refreshed"} 3',
      'powertoken_ticks_skipped_total{job="poll"} 0',
      'powertoken_run_in_progress{job="poll"} 0',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/powertoken_last_success_timestamp_seconds\{job="poll"\} \d+/);
  });

  it("counts skipped ticks and overruns when a poll outlasts its interval", async () => {
    let finish: (value: PollSummary) => void = () => {};
    const { url, clock } = await start({ pollResult: () => new Promise((resolve) => (finish = resolve)) });
    await clock.advance(14 * 60_000); // 10:15 tick starts the run
    await clock.advance(30 * 60_000); // 10:30 and 10:45 ticks are skipped
    let text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('powertoken_ticks_skipped_total{job="poll"} 2');
    expect(text).toContain('powertoken_overruns_total{job="poll"} 1');
    expect(text).toContain('powertoken_run_in_progress{job="poll"} 1');
    finish(poll());
    await settle();
    text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('powertoken_run_in_progress{job="poll"} 0');
  });

  it("holds no participant id or name", async () => {
    const { url, daemon } = await start();
    await runJob(daemon, "poll");
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).not.toContain("7141");
    expect(text).not.toContain("7142");
    expect(text).not.toContain("participantId");
  });

  it("counts API requests, 429s and token refreshes per API from onRequest", async () => {
    const { url, metrics } = await start();
    metrics.onRequest({ api: "weconnect", endpoint: "GET /People/:id/activities", operation: "activities", status: 200 });
    metrics.onRequest({ api: "google-health", endpoint: "POST /v4/users/me/dataTypes/steps", operation: "create-point", status: 429 });
    metrics.onRequest({ api: "google-oauth", endpoint: "POST /token (refresh_token)", operation: "token-refresh", status: 200 });
    metrics.onRequest({ api: "google-oauth", endpoint: "POST /token", operation: "token-refresh", status: 400 });
    // An exchange is not a refresh, whatever its label says.
    metrics.onRequest({ api: "google-oauth", endpoint: "POST /token (refresh_token)", operation: "token-exchange", status: 200 });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('powertoken_api_requests_total{api="weconnect"} 1');
    expect(text).toContain('powertoken_api_rate_limited_total{api="google-health"} 1');
    expect(text).toContain('powertoken_token_refreshes_total{api="google-oauth",outcome="ok"} 1');
    expect(text).toContain('powertoken_token_refreshes_total{api="google-oauth",outcome="failed"} 1');
  });

  it("keeps each daemon's metrics in its own registry", async () => {
    const a = await start();
    const b = await start();
    await runJob(a.daemon, "poll");
    expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('powertoken_runs_total{job="poll",outcome="partial"} 1');
    expect(await (await fetch(`${b.url}/metrics`)).text()).not.toContain('powertoken_runs_total{job="poll"');
  });
});
