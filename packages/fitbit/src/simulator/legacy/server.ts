import { serveSimulator, type FailNextOptions, type LoggedRequest } from "../_server.js";
import type { RandomFaultCounts, RandomFaultOptions } from "../_random-faults.js";
import { createFitbitLegacyHandler, OAUTH_PREFIX } from "./handler.js";
import { createFitbitLegacyState, type FitbitLegacyState, type FitbitLegacyStateOptions } from "./state.js";

/** Options of `startFitbitLegacySimulator`. */
export interface FitbitLegacySimulatorOptions extends FitbitLegacyStateOptions {
  /** TCP port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /** Participants to create up front. */
  users?: Array<{ userId: string; timeZone?: string; stepGoal?: number }>;
  /** Random faults on a share of requests (API and OAuth), seeded; see the README's "Fault injection". Off by default. */
  randomFaults?: RandomFaultOptions;
}

/** A running legacy Fitbit simulator. */
export interface FitbitLegacySimulator {
  /** API root (`/1/user/-/...`): pass it as the tracker's `baseUrl`. */
  url: string;
  /** OAuth root: `${oauthUrl}/authorize`, `${oauthUrl}/token`, `${oauthUrl}/revoke` (Fitbit rotation mode). */
  oauthUrl: string;
  /** Users, logs, goals, quotas and tokens; call its operations to arrange a test or a demo. */
  state: FitbitLegacyState;
  /** Injects a fault into the next matching request(s): status, delay, reset, malformed body. */
  failNext(fault: FailNextOptions): void;
  /** Switch random faults on (seeded) or off (null) at run time. */
  setRandomFaults(options: RandomFaultOptions | null): void;
  /** Random faults injected so far, by kind. */
  faultCounts: RandomFaultCounts;
  /** Method, path and status of every request; never a query string, header or token. */
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the legacy Fitbit Web API v1 simulator (API + OAuth on one loopback server).
 * @example
 * const sim = await startFitbitLegacySimulator({ users: [{ userId: "ABC123", timeZone: "America/Chicago" }] });
 * const { accessToken } = sim.state.issueTokens("ABC123");
 * sim.state.addOwnWalk("ABC123", "2026-11-25", 4200);
 * await sim.close();
 */
export async function startFitbitLegacySimulator(options: FitbitLegacySimulatorOptions = {}): Promise<FitbitLegacySimulator> {
  const state = createFitbitLegacyState(options);
  for (const user of options.users ?? []) state.addUser(user);
  const server = await serveSimulator(createFitbitLegacyHandler(state), { ...(options.port === undefined ? {} : { port: options.port }), flavor: "fitbit", randomFaults: options.randomFaults });
  return {
    url: server.url,
    oauthUrl: server.url + OAUTH_PREFIX,
    state,
    failNext: (fault) => server.failNext(fault),
    setRandomFaults: (next) => server.setRandomFaults(next),
    faultCounts: server.faultCounts,
    requests: server.requests,
    close: () => server.close(),
  };
}
