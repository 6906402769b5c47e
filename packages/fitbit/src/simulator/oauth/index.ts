import { serveSimulator, type FailNextOptions, type LoggedRequest } from "../_server.js";
import type { RandomFaultCounts, RandomFaultOptions } from "../_random-faults.js";
import { handleOAuthRequest } from "./handler.js";
import { createOAuthSimulatorState, type OAuthSimulatorOptions, type OAuthSimulatorState } from "./state.js";

/** A running stand-alone OAuth simulator; `oauthUrl` is the root of `/authorize`, `/token`, `/revoke`. */
export interface OAuthSimulator {
  oauthUrl: string;
  state: OAuthSimulatorState;
  failNext(fault: FailNextOptions): void;
  /** Switch random faults on (seeded) or off (null) at run time. */
  setRandomFaults(options: RandomFaultOptions | null): void;
  /** Random faults injected so far, by kind. */
  faultCounts: RandomFaultCounts;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/**
 * Starts only the OAuth server (Google or Fitbit rules) on 127.0.0.1; the API simulators embed
 * the same state and handler under `/oauth`.
 * @example const sim = await startOAuthSimulator({ mode: "fitbit" });
 */
export async function startOAuthSimulator(options: OAuthSimulatorOptions & { port?: number; randomFaults?: RandomFaultOptions }): Promise<OAuthSimulator> {
  const state = createOAuthSimulatorState(options);
  const server = await serveSimulator(
    async (request) => (await handleOAuthRequest(state, request, "/oauth")) ?? new Response("not found", { status: 404 }),
    { port: options.port, flavor: options.mode === "fitbit" ? "fitbit" : "google", randomFaults: options.randomFaults },
  );
  return { oauthUrl: `${server.url}/oauth`, state, failNext: server.failNext, setRandomFaults: server.setRandomFaults, faultCounts: server.faultCounts, requests: server.requests, close: server.close };
}
