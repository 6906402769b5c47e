import type { TokenManager, Tracker, TrackerBackend } from "@powertoken/fitbit";
import type { WeconnectClient } from "@powertoken/weconnect";
import type { CoreData } from "../data/core-data.js";
import { silentLogger, type Logger } from "../logger.js";
import type { Quota } from "../quota/quota.js";
import { DEFAULT_CORE_SETTINGS, type CoreHooks, type CoreSettings, type PowerTokenContext } from "./context.js";

/** What {@link createPowerTokenContext} takes; everything but the data and clients has a default. */
export interface CreateContextOptions {
  data: CoreData;
  weconnect: WeconnectClient;
  trackers: Partial<Record<TrackerBackend, Tracker>>;
  tokenManagers?: Partial<Record<TrackerBackend, TokenManager>>;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default silentLogger */
  log?: Logger;
  settings?: Partial<CoreSettings>;
  hooks?: CoreHooks;
  /** Request budgets and 429 pauses; gate the clients' `fetch` through `quota.gate(family, fetch)` too. */
  quota?: Quota;
}

/**
 * Build a context by hand (tests, demos, custom wiring); `createRuntime` does it from the config.
 * To count requests per run, create the clients with `onRequest: (i) => notifyRequest(ctx, "tracker", i)`.
 */
export function createPowerTokenContext(options: CreateContextOptions): PowerTokenContext {
  return {
    data: options.data,
    weconnect: options.weconnect,
    trackers: options.trackers,
    tokenManagers: options.tokenManagers ?? {},
    now: options.now ?? (() => new Date()),
    log: options.log ?? silentLogger,
    settings: { ...DEFAULT_CORE_SETTINGS, ...options.settings },
    requestListeners: new Set(),
    inFlight: new Map(),
    hooks: options.hooks,
    ...(options.quota ? { quota: options.quota } : {}),
  };
}
