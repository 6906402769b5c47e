import type { RequestListener } from "node:http";
import type { Logger } from "@powertoken/core";
import type { Clock } from "./clock.js";
import { errorFields } from "./logger.js";
import { startHttpServer, type HttpServer } from "./http-server.js";
import type { DaemonMetrics } from "./metrics.js";
import { createReadiness } from "./readiness.js";
import { classifyRun, type JobName, type MaintenanceSummary, type PollSummary, type RunOutcome } from "./results.js";
import { parseSchedule } from "./schedule.js";
import { createScheduler, type RunCycle, type Scheduler, type SchedulerEvent, type StopResult } from "./scheduler.js";

/** Options of {@link createDaemon}. Everything is injected, so it runs without core in tests. */
export interface DaemonOptions {
  /**
   * The two jobs; main.ts wires them to core's `runPoll` / `runMaintenance` with
   * `{ owner, signal, cycleEndsAt }` (`cycleEndsAt` from the run's `cycle`, see `cycleEndsAt()`).
   */
  jobs: {
    poll: (signal: AbortSignal, cycle: RunCycle) => Promise<PollSummary>;
    maintenance: (signal: AbortSignal, cycle: RunCycle) => Promise<MaintenanceSummary>;
  };
  /** Cron expressions (croner): `daemon.pollSchedule`, `daemon.maintenanceSchedule`. */
  schedules: { poll: string; maintenance: string };
  log: Logger;
  metrics: DaemonMetrics;
  /** Resolves when the database answers; used by `/readyz`. */
  checkDatabase: () => Promise<void>;
  /** Where `/healthz`, `/readyz` and `/metrics` listen; false for none. */
  http: { host: string; port: number } | false;
  /** Serves every path besides the three above (the web app); see `startHttpServer`. */
  web?: RequestListener;
  /**
   * False: start no schedule, only the HTTP server (a study running both jobs from cron that
   * wants the daemon for its pages). @default true
   */
  runSchedules?: boolean;
  /** @default systemClock */
  clock?: Clock;
  /** Cron time zone. @default the process's (TZ) */
  timeZone?: string;
}

/** A daemon built by {@link createDaemon}. */
export interface Daemon {
  /**
   * Bind the HTTP server only (idempotent). main.ts calls it before opening the database, so a
   * start refused for its port (or address) has touched nothing.
   */
  listen(): Promise<{ url: string | null }>;
  /** Start the HTTP server (unless `listen` did) and the schedules. Returns the HTTP url (null without one). */
  start(): Promise<{ url: string | null }>;
  /** Stop ticking, abort in-flight runs' signal, wait up to `deadlineMs`, close HTTP. */
  stop(deadlineMs: number): Promise<StopResult<JobName>>;
  readonly scheduler: Scheduler<JobName>;
}

/**
 * Build the daemon: schedules with an overlap guard, logs, metrics and readiness from each run,
 * and the health/metrics HTTP server. It does no work of its own; the jobs do.
 * @throws DaemonError SCHEDULE_INVALID (at once), HTTP_LISTEN_FAILED (from start)
 * @example const daemon = createDaemon({ jobs, schedules, log, metrics, checkDatabase, http: { host: "127.0.0.1", port: 9464 } });
 */
export function createDaemon(options: DaemonOptions): Daemon {
  const { log, metrics } = options;
  const readiness = createReadiness(options.checkDatabase);
  const scheduler = createScheduler<JobName>({
    jobs: {
      poll: { schedule: parseSchedule(options.schedules.poll, "daemon.pollSchedule", options.timeZone), run: options.jobs.poll },
      maintenance: {
        schedule: parseSchedule(options.schedules.maintenance, "daemon.maintenanceSchedule", options.timeZone),
        run: options.jobs.maintenance,
      },
    },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onEvent: (event) => report(event),
  });
  let server: HttpServer | undefined;

  function report(event: SchedulerEvent<JobName>): void {
    const { job } = event;
    switch (event.type) {
      case "run-started":
        metrics.setInProgress(job, true);
        log.info(`${job} run started`, { job });
        return;
      case "run-finished": {
        metrics.setInProgress(job, false);
        const result = event.result as PollSummary | MaintenanceSummary;
        const outcome = classifyRun(result);
        finish(job, outcome, event.durationMs, event.startedAt + event.durationMs);
        if (result.job === "poll") metrics.recordPoll(result);
        else metrics.recordMaintenance(result);
        logFinished(result, outcome, event.durationMs, new Date(event.startedAt).toISOString());
        return;
      }
      case "run-failed":
        metrics.setInProgress(job, false);
        finish(job, "failed", event.durationMs, event.startedAt + event.durationMs);
        log.error(`${job} run failed`, { job, durationMs: event.durationMs, ...errorFields(event.error) });
        return;
      case "tick-skipped":
        metrics.recordSkippedTick(job, event.overrun);
        log.warn(`${job} run overran its interval; this tick is skipped, not queued`, {
          job,
          runningForMs: event.runningForMs,
          nextTickAt: iso(scheduler.nextTickAt(job)),
        });
        return;
    }
  }

  function finish(job: JobName, outcome: RunOutcome, durationMs: number, finishedAt: number): void {
    metrics.recordRun(job, outcome, durationMs, finishedAt);
    readiness.recordOutcome(job, outcome);
  }

  // `runStartedAt` ties a run's lines together (and, across replicas, to its tick).
  function logFinished(result: PollSummary | MaintenanceSummary, outcome: RunOutcome, durationMs: number, runStartedAt: string): void {
    // Participants' own lines were logged as they finished (participant-lines.ts, wired in main.ts).
    const { participants: _participants, ...summary } = result;
    const level = outcome === "failed" ? "error" : outcome === "partial" ? "warn" : "info";
    log[level](`${result.job} run finished (${outcome})`, { ...summary, outcome, durationMs, runStartedAt, nextTickAt: iso(scheduler.nextTickAt(result.job)) });
  }

  return {
    scheduler,
    async listen() {
      const web = options.web === undefined ? {} : { web: options.web };
      if (options.http !== false && server === undefined) server = await startHttpServer({ ...options.http, metrics, readiness, ...web });
      return { url: server?.url ?? null };
    },
    async start() {
      await this.listen();
      const schedules = options.runSchedules !== false;
      if (schedules) scheduler.start();
      log.info(schedules ? "daemon started" : "daemon started without schedules (jobs run elsewhere, e.g. cron)", {
        url: server?.url ?? null,
        schedules,
        pollSchedule: options.schedules.poll,
        maintenanceSchedule: options.schedules.maintenance,
        nextPollAt: iso(scheduler.nextTickAt("poll")),
        nextMaintenanceAt: iso(scheduler.nextTickAt("maintenance")),
      });
      return { url: server?.url ?? null };
    },
    async stop(deadlineMs) {
      readiness.markStopping();
      const running = scheduler.running();
      if (running.length > 0) log.info("waiting for runs in flight; no new participant starts", { running, deadlineMs });
      const result = await scheduler.stop({ deadlineMs });
      if (result.forced) log.error("shutdown deadline passed with runs still going", { unfinished: result.unfinished, deadlineMs });
      await server?.close();
      return result;
    },
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
