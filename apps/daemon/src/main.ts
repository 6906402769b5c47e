import { resolve } from "node:path";
import {
  checkStoredTokenKey,
  closeAbandonedJobRuns,
  createRuntime,
  encryptionKeysFromConfig,
  handleShutdownSignals,
  isBackendConfigured,
  isPowerTokenError,
  loadConfig,
  migrateToLatest,
  migrationStatus,
  recoverOrphanedRefreshes,
  redactConfig,
  runRecordedJob,
  signalExitCode,
  type Logger,
  type PowerTokenConfig,
  type PowerTokenRuntime,
  type SignalSource,
} from "@powertoken/core";
import type { RequestListener } from "node:http";
import type { DestinationStream } from "pino";
import { parseDaemonArgs, USAGE } from "./args.js";
import { createDaemon } from "./create-daemon.js";
import { isDaemonError } from "./errors.js";
import { acquireInstanceLock, type InstanceLock, type LockTakeover } from "./instance-lock.js";
import { createLogger, errorFields } from "./logger.js";
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
  /** SIGTERM and SIGINT (core's two-stage shutdown) plus SIGHUP, which the daemon treats like SIGTERM. */
  signals: SignalSource & DaemonSignalSource;
  /** Exit at once (second signal). */
  exit: (code: number) => void;
  /** Plain text for humans: usage and start-up refusals. */
  stderr: (text: string) => void;
  stdout: (text: string) => void;
  /** Where JSON logs go. @default stdout */
  logDestination?: DestinationStream;
}

/** The SIGHUP half of the process edges (`process` has it). */
export interface DaemonSignalSource {
  on(event: "SIGHUP", listener: () => void): unknown;
  off(event: "SIGHUP", listener: () => void): unknown;
}

/** Exit statuses: 0 clean stop, 1 failure or forced stop, 2 bad flags, 78 bad configuration or no database (EX_CONFIG). */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, CONFIG: 78 } as const;

/**
 * Errors an operator fixes in the configuration or by setting the study up, never by waiting:
 * exit 78, which systemd's unit does not restart on (a restart loop would only repeat them).
 */
const CONFIG_CODES: ReadonlySet<string> = new Set([
  // core: config file, a key's value, a missing setting
  "CONFIG_NOT_FOUND",
  "CONFIG_INVALID",
  "NOT_CONFIGURED",
  // db: a malformed encryption key; no database (only `powertoken init` / `db migrate` create one)
  "KEY_INVALID",
  "DATABASE_MISSING",
  // db: the configured key does not open the stored tokens (checked at start: checkStoredTokenKey)
  "KEY_MISSING",
  "KEY_MISMATCH",
  "DECRYPT_FAILED",
  // daemon
  "SCHEDULE_INVALID",
  "WEB_CONFIG_INCOMPLETE",
  "DATA_FOLDER_UNUSABLE",
]);

/** The exit status for a refused start. */
export function exitCodeOf(error: unknown): number {
  const known = isPowerTokenError(error) || isDaemonError(error);
  return known && CONFIG_CODES.has(error.code) ? EXIT.CONFIG : EXIT.FAILURE;
}

/**
 * Run the daemon until SIGTERM/SIGINT/SIGHUP and resolve with the exit status: load the shared
 * config (`--config`, env overrides), take the SQLite single-replica lock, bind the HTTP port,
 * open the existing database through core's runtime (applying pending migrations; never creating
 * one), schedule poll and maintenance, serve health, metrics and the pages, and drain on the
 * first signal.
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
    return exitCodeOf(error);
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
    // A malformed key is a configuration error (78); found here, before any lock or port is taken.
    encryptionKeysFromConfig(config);
    warnAboutConfig(config, log, !args.noSchedules);
    const sqliteFile = sqlitePath(config.database.url, io.cwd);
    if (sqliteFile !== null) {
      lock = acquireInstanceLock(sqliteFile, replica);
      if (lock.takeover !== undefined) logTakeover(log, lock.path, lock.takeover);
    }
  } catch (error) {
    return refuse(error);
  }

  const metrics = createMetrics({ processMetrics: true });
  // The runtime exists only after the port is bound; until then the probes say the database is
  // not open and the pages answer 503.
  let runtime: PowerTokenRuntime | undefined;
  const pages: { listener?: RequestListener } = {};
  const opened = (): PowerTokenRuntime => {
    if (runtime === undefined) throw Object.assign(new Error("the database is not open yet"), { code: "STARTING" });
    return runtime;
  };
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
      poll: (signal, cycle) => runRecordedJob(opened(), "poll", { signal, replica, ...leasing(cycle), ...streamed(cycle) }),
      maintenance: (signal, cycle) => runRecordedJob(opened(), "maintenance", { signal, replica, ...leasing(cycle), ...streamed(cycle) }),
    },
    schedules: { poll: config.daemon.pollSchedule, maintenance: config.daemon.maintenanceSchedule },
    ...(config.daemon.scheduleTimeZone === undefined ? {} : { timeZone: config.daemon.scheduleTimeZone }),
    log,
    metrics,
    checkDatabase: async () => {
      await migrationStatus(opened().db.db);
    },
    http: { host: config.daemon.httpHost, port: config.daemon.httpPort },
    ...(config.web.publicUrl === undefined
      ? {}
      : {
          web: (request, response) => {
            if (pages.listener !== undefined) return pages.listener(request, response);
            response.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "5" });
            response.end("Starting; try again in a few seconds.\n");
          },
        }),
    runSchedules: !args.noSchedules,
  });

  // The port first: a start refused for its address or port must not have opened (let alone
  // migrated) the database.
  try {
    await daemon.listen();
  } catch (error) {
    await daemon.stop(0);
    lock?.release();
    return refuse(error);
  }

  try {
    // `create: false`: a missing or 0-byte SQLite file (or a PostgreSQL schema without PowerToken's
    // tables) is core's DATABASE_MISSING, never a new empty database that polls 0 of 0 for ever.
    // Only `powertoken init` and `powertoken db migrate` create one.
    runtime = await createRuntime(config, { log, owner: replica, onRequest: (info) => metrics.onRequest(info), migrate: false, create: false });
    // Pending migrations of an existing PowerToken database are still applied (README, Install).
    const { applied } = await migrateToLatest(runtime.db.db);
    for (const name of applied) log.info("database migration applied", { migration: name });
    // A wrong key would otherwise surface as every participant of the first run failing DB_DECRYPT_FAILED.
    await checkStoredTokenKey(runtime.db);
  } catch (error) {
    await daemon.stop(0);
    await runtime?.close().catch(() => undefined);
    lock?.release();
    return refuse(error);
  }
  const ready = runtime;
  // The dead daemon whose lock was taken over will never finish its open job runs: close them as
  // failed, or the dashboard shows that job "running" for ever.
  if (lock?.takeover?.reason === "holder-dead") await closeRunsOf(lock.takeover.previous.replica, "The daemon running it ended (its process is gone) before the run finished.");
  const listener = createWebListener(config, ready, log);
  if (listener !== undefined) pages.listener = listener;

  // A refresh this process's predecessor left in flight when it died: finish it while the
  // provider still accepts the replay (issue 16). Not fatal: maintenance tries again.
  await recoverOrphanedRefreshes(ready.ctx).catch((error: unknown) => log.warn("could not recover interrupted token refreshes", { code: isPowerTokenError(error) ? error.code : "UNEXPECTED" }));

  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const onShutdown = (signal: string) => {
      stopping = true;
      log.info(`${signal} received: finishing runs in flight, then exiting (send it again to exit at once)`, {
        signal,
        deadlineMs: config.daemon.shutdownDeadlineMs,
      });
      void shutdown().then((code) => {
        removeListeners();
        io.signals.off("SIGHUP", onHangup);
        resolve(code);
      });
    };
    const onForce = (signal: string, code: number) => {
      log.warn(`second ${signal}: exiting now`, { signal });
      // The runs cut here would stay "running" in job_runs: close them first (bounded: the operator insists).
      void closeRunsOf(replica, `A second ${signal} stopped the daemon before the run finished.`).finally(() => {
        lock?.release();
        io.exit(code);
      });
    };
    const removeListeners = handleShutdownSignals(io.signals, {
      onShutdown: (signal) => (stopping ? onForce(signal, signalExitCode(signal)) : onShutdown(signal)),
      onForce: (signal) => onForce(signal, signalExitCode(signal)),
    });
    // SIGHUP (the terminal that started it closed, or an operator's `kill -HUP`) would otherwise
    // kill the process at once, mid-run and without a word: stop as on SIGTERM instead. There is
    // no configuration to reload; restart the daemon to apply a changed one.
    const onHangup = () => (stopping ? onForce("SIGHUP", 129) : onShutdown("SIGHUP"));
    io.signals.on("SIGHUP", onHangup);
  });

  /**
   * Close `owner`'s open job runs as failed (core's closeAbandonedJobRuns): only for a replica
   * that is dead or about to exit. Bounded to a second, and never fatal: a held SQLite lock must
   * not keep a forced exit waiting.
   */
  async function closeRunsOf(owner: string, reason: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("closing the job runs took over a second"), { code: "TIMEOUT" })), 1_000);
    });
    try {
      const closed = await Promise.race([closeAbandonedJobRuns(ready.db.db, { replica: owner, now: new Date(), reason }), timeout]);
      if (closed > 0) log.warn("closed unfinished job runs as failed", { owner, closed, reason });
    } catch (error) {
      log.warn("could not close unfinished job runs; the dashboard shows them running until the next run", { owner, ...errorFields(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  async function shutdown(): Promise<number> {
    const result = await daemon.stop(config.daemon.shutdownDeadlineMs);
    // The runs still going end with this process.
    if (result.forced) await closeRunsOf(replica, "The shutdown deadline passed before the run finished.");
    try {
      await ready.close();
    } catch (error) {
      log.error("closing the database failed", errorFields(error));
    }
    lock?.release();
    log.info("daemon stopped", { forced: result.forced });
    return result.forced ? EXIT.FAILURE : EXIT.OK;
  }

  try {
    await daemon.start();
  } catch (error) {
    await daemon.stop(0);
    await ready.close().catch(() => undefined);
    lock?.release();
    return refuse(error);
  }
  return stopped;
}

/** The SQLite file of a database URL (absolute, against `cwd`), or null for PostgreSQL and `:memory:`. */
function sqlitePath(url: string, cwd: string): string | null {
  if (/^postgres(ql)?:\/\//.test(url)) return null;
  const file = url.replace(/^(sqlite|file):/, "");
  return file === ":memory:" ? null : resolve(cwd, file);
}

/**
 * Warn at start about settings whose absence or form makes the daemon run but do less than an
 * operator expects: no job can read a stored token without the key, a poll writes to no tracker
 * without an OAuth client (the CLI's jobs refuse both; the daemon may also serve only the pages,
 * so it warns), and invite links and coordinator passwords would cross the network unencrypted
 * behind a plain-http public address.
 */
function warnAboutConfig(config: PowerTokenConfig, log: Logger, schedules: boolean): void {
  if (schedules && config.encryption.key === undefined) {
    log.warn(
      "no encryption key is configured (encryption.keyFile, or POWERTOKEN_ENCRYPTION_KEY / POWERTOKEN_ENCRYPTION_KEY_FILE): poll and maintenance cannot read any stored token. Run `powertoken init`, or set the key the study was set up with.",
      { code: "NOT_CONFIGURED", key: "encryption.key" },
    );
  }
  if (schedules && !isBackendConfigured(config, "google-health") && !isBackendConfigured(config, "fitbit-legacy")) {
    log.warn(
      "no tracker OAuth client is configured: polls write to no tracker. Set googleHealth.clientId and googleHealth.clientSecret (POWERTOKEN_GOOGLE_CLIENT_ID, POWERTOKEN_GOOGLE_CLIENT_SECRET or POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE), or the fitbitLegacy ones.",
      { code: "NOT_CONFIGURED", key: "googleHealth.clientId" },
    );
  }
  const publicUrl = config.web.publicUrl;
  if (publicUrl !== undefined) {
    const url = new URL(publicUrl);
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
      log.warn(
        `web.publicUrl ${url.origin} is plain http on a host other than this machine: invite links (their secret is in the path) and coordinators' passwords would travel unencrypted. Use an https address with TLS in front (deploy/Caddyfile).`,
        { code: "PUBLIC_URL_NOT_HTTPS", key: "web.publicUrl" },
      );
    }
  }
}

/** localhost, 127.0.0.0/8 and ::1: plain http there never leaves the machine. */
function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare.endsWith(".localhost") || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** Every takeover of a stale lock file at warn: the operator learns that a daemon died (or a file was damaged). */
function logTakeover(log: Logger, path: string, takeover: LockTakeover): void {
  if (takeover.reason === "holder-dead") {
    const { pid, hostname, replica, since } = takeover.previous;
    log.warn("took over the SQLite lock of a daemon that is no longer running; its runs in flight were cut short", { lockFile: path, previousPid: pid, previousHost: hostname, previousReplica: replica, previousSince: since });
    return;
  }
  log.warn("took over an unreadable SQLite lock file (empty or not a daemon lock, over a minute old)", { lockFile: path, ageMs: Math.round(takeover.ageMs) });
}
