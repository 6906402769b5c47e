import { createRuntime, handleShutdownSignals, recoverOrphanedRefreshes, isCoreError, isPowerTokenError, loadConfig, redactConfig, runRecordedJob, signalExitCode, type PowerTokenConfig, type SignalSource } from "@powertoken/core";
import { migrationStatus } from "@powertoken/db";
import type { DestinationStream } from "pino";
import { parseDaemonArgs, USAGE } from "./args.js";
import { createDaemon } from "./create-daemon.js";
import { isDaemonError } from "./errors.js";
import { acquireInstanceLock, type InstanceLock } from "./instance-lock.js";
import { createLogger } from "./logger.js";
import { logParticipantLines } from "./participant-lines.js";
import { createMetrics } from "./metrics.js";
import { createReplicaId } from "./replica-id.js";
import { checkWebConfig, createWebListener } from "./web-pages.js";
import { cycleEndsAt, parseSchedule } from "./schedule.js";
import type { RunCycle } from "./scheduler.js";


/** The process edges `runDaemon` uses; the bin passes the real ones. */
export interface DaemonIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  signals: SignalSource;
  /** Exit at once (second signal). */
  exit: (code: number) => void;
  /** Plain text for humans: usage and start-up refusals. */
  stderr: (text: string) => void;
  stdout: (text: string) => void;
  /** Where JSON logs go. @default stdout */
  logDestination?: DestinationStream;
}

/** Exit statuses: 0 clean stop, 1 failure or forced stop, 2 bad flags, 78 bad configuration (EX_CONFIG). */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, CONFIG: 78 } as const;

/**
 * Run the daemon until SIGTERM/SIGINT and resolve with the exit status: load the shared config
 * (`--config`, env overrides), take the SQLite single-replica lock, open core's runtime, schedule
 * poll and maintenance, serve health and metrics, and drain on the first signal.
 * @example process.exit(await runDaemon({ argv: process.argv.slice(2), env: process.env, ... }))
 */
export async function runDaemon(io: DaemonIo): Promise<number> {
  let args: ReturnType<typeof parseDaemonArgs>;
  try {
    args = parseDaemonArgs(io.argv);
  } catch (error) {
    io.stderr(`powertoken-daemon: ${(error as Error).message}`);
    return EXIT.USAGE;
  }
  if (args.help) {
    io.stdout(USAGE);
    return EXIT.OK;
  }

  const replica = createReplicaId();
  const makeLogger = (level: string) =>
    createLogger({ base: { replica }, level, ...(io.logDestination === undefined ? {} : { destination: io.logDestination }) }).logger;
  // Until the config (and its `daemon.logLevel`) is read, log at info.
  let log = makeLogger("info");
  const refuse = (error: unknown): number => {
    const known = isPowerTokenError(error) || isDaemonError(error);
    const code = known ? (error as { code: string }).code : "UNEXPECTED";
    log.error(known ? (error as Error).message : "the daemon could not start", { code, error: known ? undefined : error });
    io.stderr(`powertoken-daemon: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}`);
    const badConfig = (isCoreError(error) && error.code.startsWith("CONFIG_")) || (isDaemonError(error) && (error.code === "SCHEDULE_INVALID" || error.code === "WEB_CONFIG_INCOMPLETE"));
    return badConfig ? EXIT.CONFIG : EXIT.FAILURE;
  };

  let config: PowerTokenConfig;
  let lock: InstanceLock | undefined;
  try {
    const loaded = loadConfig({ env: io.env, cwd: io.cwd, ...(args.config === undefined ? {} : { path: args.config }) });
    config = loaded.config;
    log = makeLogger(config.daemon.logLevel);
    log.info("configuration loaded", { configFile: loaded.path, config: redactConfig(config) });
    // Bad cron expressions are configuration errors: refuse before touching the database.
    parseSchedule(config.daemon.pollSchedule, "daemon.pollSchedule", config.daemon.scheduleTimeZone);
    parseSchedule(config.daemon.maintenanceSchedule, "daemon.maintenanceSchedule", config.daemon.scheduleTimeZone);
    checkWebConfig(config);
    const sqliteFile = sqlitePath(config.database.url);
    if (sqliteFile !== null) lock = acquireInstanceLock(sqliteFile, replica);
  } catch (error) {
    return refuse(error);
  }

  const metrics = createMetrics({ processMetrics: true });
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime(config, { log, owner: replica, onRequest: (info) => metrics.onRequest(info) });
  } catch (error) {
    lock?.release();
    return refuse(error);
  }

  // A refresh this process's predecessor left in flight when it died: finish it while the
  // provider still accepts the replay (issue 16). Not fatal: maintenance tries again.
  await recoverOrphanedRefreshes(runtime.ctx).catch((error: unknown) => log.warn("could not recover interrupted token refreshes", { code: isPowerTokenError(error) ? error.code : "UNEXPECTED" }));

  // Leases only when replicas share PostgreSQL. On SQLite the lock above makes this the only
  // replica, and without leases a restart after a crash does not wait for them to expire.
  const owner = lock === undefined ? replica : undefined;
  // With leases, a participant done in this cycle stays leased (owner null) until the next tick.
  const leasing = (cycle: RunCycle) => {
    if (owner === undefined) return {};
    const endsAt = cycleEndsAt(cycle);
    return endsAt === null ? { owner } : { owner, cycleEndsAt: new Date(endsAt) };
  };
  const streamed = (cycle: RunCycle) => ({ outcomes: "exceptions" as const, onProgress: logParticipantLines(log, new Date(cycle.startedAt).toISOString()) });
  const daemon = createDaemon({
    jobs: {
      // runRecordedJob stores each run (job health on the dashboard) and evaluates the alert rules.
      // Each participant is logged as it finishes; the result keeps only the exceptions.
      poll: (signal, cycle) => runRecordedJob(runtime, "poll", { signal, replica, ...leasing(cycle), ...streamed(cycle) }),
      maintenance: (signal, cycle) => runRecordedJob(runtime, "maintenance", { signal, replica, ...leasing(cycle), ...streamed(cycle) }),
    },
    schedules: { poll: config.daemon.pollSchedule, maintenance: config.daemon.maintenanceSchedule },
    ...(config.daemon.scheduleTimeZone === undefined ? {} : { timeZone: config.daemon.scheduleTimeZone }),
    log,
    metrics,
    checkDatabase: () => migrationStatus(runtime.db.db).then(() => undefined),
    http: { host: config.daemon.httpHost, port: config.daemon.httpPort },
    web: createWebListener(config, runtime, log),
    runSchedules: !args.noSchedules,
  });

  const stopped = new Promise<number>((resolve) => {
    const removeListeners = handleShutdownSignals(io.signals, {
      onShutdown(signal) {
        log.info(`${signal} received: finishing runs in flight, then exiting (send it again to exit at once)`, {
          signal,
          deadlineMs: config.daemon.shutdownDeadlineMs,
        });
        void shutdown().then((code) => {
          removeListeners();
          resolve(code);
        });
      },
      onForce(signal) {
        log.warn(`second ${signal}: exiting now`, { signal });
        lock?.release();
        io.exit(signalExitCode(signal));
      },
    });
  });

  async function shutdown(): Promise<number> {
    const result = await daemon.stop(config.daemon.shutdownDeadlineMs);
    try {
      await runtime.close();
    } catch (error) {
      log.error("closing the database failed", { error });
    }
    lock?.release();
    log.info("daemon stopped", { forced: result.forced });
    return result.forced ? EXIT.FAILURE : EXIT.OK;
  }

  try {
    await daemon.start();
  } catch (error) {
    await daemon.stop(0);
    await runtime.close().catch(() => undefined);
    lock?.release();
    return refuse(error);
  }
  return stopped;
}

/** The SQLite file of a database URL, or null for PostgreSQL and `:memory:`. */
function sqlitePath(url: string): string | null {
  if (/^postgres(ql)?:\/\//.test(url)) return null;
  const file = url.replace(/^(sqlite|file):/, "");
  return file === ":memory:" ? null : file;
}
