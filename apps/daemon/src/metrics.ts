import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { QuotaUsage } from "@powertoken/core";
import type { JobName, MaintenanceSummary, PollSummary, RunOutcome } from "./results.js";

/** One HTTP attempt as the clients report it through `onRequest` (never a URL or token). */
export interface RequestInfo {
  api: string;
  endpoint: string;
  /** The clients' typed operation (`token-refresh`, `activities`, `create-point`…). */
  operation: string;
  status: number;
}

/** The daemon's Prometheus metrics, in a Registry of their own (no prom-client global state). */
export interface DaemonMetrics {
  readonly registry: Registry;
  recordRun(job: JobName, outcome: RunOutcome, durationMs: number, finishedAtMs: number): void;
  recordPoll(result: PollSummary): void;
  recordMaintenance(result: MaintenanceSummary): void;
  recordSkippedTick(job: JobName, overrun: boolean): void;
  setInProgress(job: JobName, running: boolean): void;
  /** Hand to `createRuntime(config, { onRequest })`: counts requests, 429s and token refreshes per API. */
  onRequest(info: RequestInfo): void;
  /** The exposition text and its content type, for `/metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Add prom-client's process metrics (CPU, memory, event loop lag). @default false */
  processMetrics?: boolean;
}

/**
 * Create the metrics. Labels are job, outcome, API and error code only: never a participant's
 * id or name, so a scrape holds no personal data.
 */
export function createMetrics(options: MetricsOptions = {}): DaemonMetrics {
  const registry = new Registry();
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const runs = new Counter({ name: "powertoken_runs_total", help: "Job runs by outcome (ok, partial, failed, aborted).", labelNames: ["job", "outcome"], registers });
  const duration = new Histogram({
    name: "powertoken_run_duration_seconds",
    help: "Duration of job runs.",
    labelNames: ["job"],
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 900, 1800],
    registers,
  });
  const lastSuccess = new Gauge({ name: "powertoken_last_success_timestamp_seconds", help: "When a run of the job last completed (ok or partial).", labelNames: ["job"], registers });
  const inProgress = new Gauge({ name: "powertoken_run_in_progress", help: "1 while a run of the job is going.", labelNames: ["job"], registers });
  const skipped = new Counter({ name: "powertoken_ticks_skipped_total", help: "Ticks dropped because the previous run was still going.", labelNames: ["job"], registers });
  const overruns = new Counter({ name: "powertoken_overruns_total", help: "Runs that lasted past their next tick.", labelNames: ["job"], registers });
  const participants = new Counter({
    name: "powertoken_poll_participants_total",
    help: "Participants per poll outcome (due, polled, written, unchanged, skipped, failed).",
    labelNames: ["outcome"],
    registers,
  });
  const failures = new Counter({ name: "powertoken_participant_failures_total", help: "Participant failures by job and error code.", labelNames: ["job", "code"], registers });
  const maintenance = new Counter({
    name: "powertoken_maintenance_changes_total",
    help: "Maintenance effects by kind (tokens_refreshed, tokens_failed, status_changes, ...).",
    labelNames: ["kind"],
    registers,
  });
  const requests = new Counter({ name: "powertoken_api_requests_total", help: "HTTP attempts per API.", labelNames: ["api"], registers });
  const rateLimited = new Counter({ name: "powertoken_api_rate_limited_total", help: "HTTP 429 replies per API.", labelNames: ["api"], registers });
  const refreshes = new Counter({ name: "powertoken_token_refreshes_total", help: "OAuth refresh-token grants per API and outcome (ok, failed).", labelNames: ["api", "outcome"], registers });
  const quota = createQuotaMetrics(registers);

  for (const job of ["poll", "maintenance"] as const) {
    inProgress.set({ job }, 0);
    skipped.inc({ job }, 0);
    overruns.inc({ job }, 0);
  }

  return {
    registry,
    recordRun(job, outcome, durationMs, finishedAtMs) {
      runs.inc({ job, outcome });
      duration.observe({ job }, durationMs / 1000);
      if (outcome === "ok" || outcome === "partial") lastSuccess.set({ job }, finishedAtMs / 1000);
    },
    recordPoll(result) {
      for (const outcome of ["due", "polled", "written", "unchanged", "skipped", "failed"] as const) participants.inc({ outcome }, result[outcome]);
      for (const [code, count] of Object.entries(result.failuresByCode)) failures.inc({ job: "poll", code }, count);
      if (result.quota) quota.record("poll", result.quota);
    },
    recordMaintenance(result) {
      const kinds = {
        removed_incomplete: result.removedIncomplete,
        tokens_refreshed: result.tokensRefreshed,
        tokens_failed: result.tokensFailed,
        status_changes: result.statusChanges,
        activities_upserted: result.activitiesUpserted,
        activities_removed: result.activitiesRemoved,
        events_upserted: result.eventsUpserted,
        goals_set: result.goalsSet,
      };
      for (const [kind, count] of Object.entries(kinds)) maintenance.inc({ kind }, count);
      for (const [code, count] of Object.entries(result.failuresByCode)) failures.inc({ job: "maintenance", code }, count);
      if (result.quota) quota.record("maintenance", result.quota);
    },
    recordSkippedTick(job, overrun) {
      skipped.inc({ job });
      if (overrun) overruns.inc({ job });
    },
    setInProgress(job, running) {
      inProgress.set({ job }, running ? 1 : 0);
    },
    onRequest(info) {
      requests.inc({ api: info.api });
      if (info.status === 429) rateLimited.inc({ api: info.api });
      // The clients' typed `operation`, not a search in the endpoint label (issue 10).
      if (info.operation === "token-refresh") {
        refreshes.inc({ api: info.api, outcome: info.status >= 200 && info.status < 300 ? "ok" : "failed" });
      }
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * Budget use per API family (`weconnect`, `tracker`, `oauth`: core's quota families, not the
 * `api` names of onRequest) from each run's `quota` (issue 15 item 5), so a dashboard can show
 * how close the study runs to its quota and when an API was paused after 429s.
 */
function createQuotaMetrics(registers: Registry[]): { record(job: JobName, usage: QuotaUsage): void } {
  const labelNames = ["job", "family"] as const;
  const budget = new Gauge({ name: "powertoken_api_budget_per_minute", help: "Configured request budget per minute per API family (absent when unlimited).", labelNames: ["family"], registers });
  const peak = new Gauge({ name: "powertoken_api_budget_peak_per_minute", help: "Most request starts in any minute during the job's last run, per API family.", labelNames, registers });
  const requests = new Counter({ name: "powertoken_api_budget_requests_total", help: "Request starts through the quota gate per job and API family.", labelNames, registers });
  const waited = new Counter({ name: "powertoken_api_budget_wait_seconds_total", help: "Time calls waited for request budget per job and API family.", labelNames, registers });
  const waits = new Counter({ name: "powertoken_api_budget_waits_total", help: "Calls that waited for request budget per job and API family.", labelNames, registers });
  const pauses = new Counter({ name: "powertoken_api_pauses_total", help: "Pauses of a whole API family after 429s for several participants.", labelNames: ["family"], registers });
  const refused = new Counter({ name: "powertoken_api_paused_refusals_total", help: "Calls refused because their API family was paused.", labelNames: ["family"], registers });
  const postponed = new Counter({ name: "powertoken_participants_postponed_total", help: "Participants postponed by their own 429, per API family.", labelNames: ["family"], registers });
  const pausedUntil = new Gauge({ name: "powertoken_api_paused_until_timestamp_seconds", help: "When the API family's pause ends (0 when not paused), as of the last run.", labelNames: ["family"], registers });
  return {
    record(job, usage) {
      for (const [family, u] of Object.entries(usage)) {
        if (u.budgetPerMinute === null) budget.remove({ family });
        else budget.set({ family }, u.budgetPerMinute);
        peak.set({ job, family }, u.peakPerMinute);
        requests.inc({ job, family }, u.requests);
        waited.inc({ job, family }, u.waitedMs / 1000);
        waits.inc({ job, family }, u.waits);
        pauses.inc({ family }, u.pauses);
        refused.inc({ family }, u.refused);
        postponed.inc({ family }, u.postponed);
        pausedUntil.set({ family }, u.pausedUntil ? u.pausedUntil.getTime() / 1000 : 0);
      }
    },
  };
}
