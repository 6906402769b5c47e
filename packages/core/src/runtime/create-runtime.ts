import {
  createFitbitLegacyTracker,
  createGoogleHealthTracker,
  createOAuthClient,
  createTokenManager,
  type OAuthClientOptions,
  type RequestInfo,
  type TokenManager,
  type Tracker,
  type TrackerBackend,
} from "@powertoken/fitbit";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DatabaseHandle } from "@powertoken/db";
import { createWeconnectClient } from "@powertoken/weconnect";
import type { PowerTokenConfig } from "../config/schema.js";
import { createDbCoreData } from "../data/db-core-data.js";
import { createTrackerTokenStore } from "../data/tracker-token-store.js";
import { silentLogger, type Logger } from "../logger.js";
import { createDbRateLimitStore } from "../quota/db-rate-limit-store.js";
import { createQuota } from "../quota/quota.js";
import { quotaSettingsFromConfig } from "../quota/quota-from-config.js";
import { quotaClockFromNow } from "../quota/clock-from-now.js";
import type { QuotaClock } from "../quota/sliding-window.js";
import { createOAuthProviderFromConfig, isBackendConfigured } from "./oauth-provider-from-config.js";
import { openConfiguredDatabase } from "./open-configured-database.js";
import { notifyRequest, type CoreHooks, type PowerTokenContext } from "./context.js";
import { createPowerTokenContext } from "./create-context.js";
import { createNodeHttpFetch } from "./node-http-fetch.js";

/** What {@link createRuntime} takes besides the config. */
export interface CreateRuntimeOptions {
  log?: Logger;
  /** Clock for runs, token expiry and OAuth. @default () => new Date() */
  now?: () => Date;
  /**
   * Transport for every client (tests, tracing). @default createNodeHttpFetch(): node:http with
   * kept-alive sockets, closed by `runtime.close()` (Node's fetch cost about 1.5 times its CPU per
   * request and kept a 10,000-participant maintenance run from its latency bound, issue 17)
   */
  fetch?: typeof globalThis.fetch;
  /** Told of every HTTP attempt of every client (metrics); never carries a token or URL. */
  onRequest?: (info: RequestInfo) => void;
  /** Run pending migrations on open. @default true */
  migrate?: boolean;
  /** Create the database when there is none (see openConfiguredDatabase); jobs pass `false`. @default true */
  create?: boolean;
  /** PostgreSQL schema (tests use one per file). @default config.database.schema */
  schema?: string;
  hooks?: CoreHooks;
  /**
   * Clock the request budgets and 429 waits read and sleep on. @default the wall clock without
   * `now`; with `now`, quotaClockFromNow(now): postponements and pauses end on the same clock as
   * the runs, and waits sleep in real time, at most 1 s before the clock is read again
   */
  quotaClock?: QuotaClock;
  /**
   * This runtime's id as the holder of tracker refresh locks (the daemon passes its replica id).
   * Must differ between processes and between runtimes of one process.
   * @default `host:pid:random`
   */
  owner?: string;
}

/** An opened runtime: the context runs take, and how to close it. */
export interface PowerTokenRuntime {
  ctx: PowerTokenContext;
  db: DatabaseHandle;
  /** The configuration the runtime was built from (the web app reads its `web` section). */
  config: PowerTokenConfig;
  /** Transport, clock and request counting for OAuth clients built later (tracker consent). */
  oauthOptions: OAuthClientOptions;
  close(): Promise<void>;
}

/**
 * Open the database and build the WEconnect client and, for each tracker backend whose OAuth
 * client id and secret are configured, its OAuth client, token manager (over the database, with
 * compare-and-swap and a refresh lock per account held as `options.owner`) and tracker. Reads no environment: `loadConfig` did that.
 * @throws DbError (CONNECTION_FAILED, KEY_INVALID, MIGRATION_FAILED, …) when the database cannot be used
 * @example
 * const { config } = loadConfig({ env: process.env, cwd: process.cwd() });
 * const runtime = await createRuntime(config, { log });
 * const result = await runPoll(runtime.ctx);
 * await runtime.close();
 */
export async function createRuntime(config: PowerTokenConfig, options: CreateRuntimeOptions = {}): Promise<PowerTokenRuntime> {
  const now = options.now ?? (() => new Date());
  // Only a transport the runtime made is the runtime's to close; one passed in is the caller's.
  const ownTransport = options.fetch === undefined ? createNodeHttpFetch() : undefined;
  if (ownTransport) options = { ...options, fetch: ownTransport };
  const db = await openConfiguredDatabase(config, {
    migrate: options.migrate ?? true,
    ...(options.create === undefined ? {} : { create: options.create }),
    ...(options.schema === undefined ? {} : { schema: options.schema }),
  });
  const data = createDbCoreData(db);
  // With the database, each refresh holds a lock row across processes (issue 16): two replicas
  // never send the same single-use refresh token.
  const store = createTrackerTokenStore(data, { db: db.db });
  const owner = options.owner ?? defaultOwner();
  // The clients are built before the context that counts their requests: they reach it through this.
  const ref: { ctx?: PowerTokenContext } = {};
  const hook = (family: "weconnect" | "tracker") => (info: RequestInfo) => {
    options.onRequest?.(info);
    if (ref.ctx) notifyRequest(ref.ctx, family, info);
  };
  const trackers: Partial<Record<TrackerBackend, Tracker>> = {};
  const tokenManagers: Partial<Record<TrackerBackend, TokenManager>> = {};
  // Every client's transport passes the quota's gate: budgets and pauses hold wherever a request starts (issue 15 item 5).
  // A fake `now` alone must not leave pauses on the wall clock (the soak found one 60 s pause holding a whole fake day).
  const quotaClock = options.quotaClock ?? (options.now ? quotaClockFromNow(options.now) : undefined);
  const quota = createQuota({ settings: quotaSettingsFromConfig(config), clock: quotaClock, store: createDbRateLimitStore(db.db), log: options.log });
  const oauthOptions: OAuthClientOptions = { fetch: quota.gate("oauth", options.fetch), now, onRequest: hook("tracker") };

  // A backend is available only when its OAuth client is configured; both are wired the same way.
  const backends = [
    { backend: "google-health", settings: config.googleHealth, create: createGoogleHealthTracker },
    { backend: "fitbit-legacy", settings: config.fitbitLegacy, create: createFitbitLegacyTracker },
  ] as const;
  for (const { backend, settings, create } of backends) {
    if (!isBackendConfigured(config, backend)) continue;
    const oauth = createOAuthProviderFromConfig(config, backend);
    const tokens = createTokenManager({ oauth: createOAuthClient(oauth, oauthOptions), store, now, owner });
    tokenManagers[backend] = tokens;
    trackers[backend] = create({ baseUrl: settings.apiUrl, tokens, fetch: quota.gate("tracker", options.fetch), onRequest: hook("tracker") });
  }
  const weconnect = createWeconnectClient({ baseUrl: config.weconnect.baseUrl, timeoutMs: config.weconnect.timeoutMs, fetch: quota.gate("weconnect", options.fetch), onRequest: hook("weconnect") });

  const ctx = createPowerTokenContext({
    data,
    weconnect,
    trackers,
    tokenManagers,
    now,
    log: options.log ?? silentLogger,
    settings: {
      windowMinutes: config.poll.windowMinutes,
      catchUpMinutes: config.poll.catchUpMinutes,
      concurrency: config.poll.concurrency,
      pollAll: config.poll.all,
      incompleteGraceHours: config.maintenance.incompleteGraceHours,
      driftCheckHours: config.maintenance.driftCheckHours,
      driftBudget: config.maintenance.driftBudget,
      leaseMs: config.daemon.leaseMs,
    },
    hooks: options.hooks,
    quota,
  });
  ref.ctx = ctx;
  return {
    ctx,
    db,
    config,
    oauthOptions,
    close: async () => {
      ownTransport?.close();
      await db.close();
    },
  };
}

/** A lock owner id no other process or runtime shares, readable in the locks table. */
function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
