import { serveSimulator, type FailNextOptions, type LoggedRequest } from "../_server.js";
import type { RandomFaultCounts, RandomFaultOptions } from "../_random-faults.js";
import { handleOAuthRequest } from "../oauth/handler.js";
import { createOAuthSimulatorState, type OAuthSimulatorState, type SimulatorTokens } from "../oauth/state.js";
import { GOOGLE_HEALTH_SCOPES } from "../../oauth/provider.js";
import { createGoogleHealthState, type GoogleHealthSimUser, type GoogleHealthState, type GoogleHealthStateOptions } from "./state.js";
import { handleGoogleHealthRequest } from "./handler.js";

/** Options of `startGoogleHealthSimulator`. */
export interface GoogleHealthSimulatorOptions extends Omit<GoogleHealthStateOptions, "users"> {
  users?: GoogleHealthSimUser[];
  /** @default 0 (a free port) */
  port?: number;
  /** The OAuth client the simulated Google accepts. @default { clientId: "sim-client", clientSecret: "sim-secret" } */
  client?: { clientId: string; clientSecret: string };
  /** Access token lifetime. @default 3599 */
  accessTokenTtlSeconds?: number;
  /** Random faults on a share of requests (API and OAuth), seeded; see the README's "Fault injection". Off by default. */
  randomFaults?: RandomFaultOptions;
}

/** State of a running Google Health simulator: the data, the OAuth server and test operations. */
export type GoogleHealthSimulatorState = GoogleHealthState & {
  oauth: OAuthSimulatorState;
  stats: OAuthSimulatorState["stats"];
  /** Mints tokens without a browser. @default scopes: all three PowerToken scopes */
  issueTokens(userId: string, scopes?: string[]): SimulatorTokens;
  revokeGrant(userId: string): void;
  /** Only the refresh tokens die: the next refresh answers invalid_grant. */
  revokeRefreshTokens(userId: string): void;
};

/** A running simulator. `url` is the API root, `oauthUrl` the root of `/authorize`, `/token`, `/revoke`. */
export interface GoogleHealthSimulator {
  url: string;
  oauthUrl: string;
  state: GoogleHealthSimulatorState;
  failNext(fault: FailNextOptions): void;
  /** Switch random faults on (seeded) or off (null) at run time. */
  setRandomFaults(options: RandomFaultOptions | null): void;
  /** Random faults injected so far, by kind. */
  faultCounts: RandomFaultCounts;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a local Google Health API v4 + Google OAuth simulator on 127.0.0.1.
 * @example
 * const sim = await startGoogleHealthSimulator({ users: [{ userId: "alice", timeZone: "Europe/Berlin" }] });
 * const tokens = sim.state.issueTokens("alice");
 */
export async function startGoogleHealthSimulator(options: GoogleHealthSimulatorOptions = {}): Promise<GoogleHealthSimulator> {
  const data = createGoogleHealthState(options);
  const oauth = createOAuthSimulatorState({ mode: "google", client: options.client, now: options.now, accessTokenTtlSeconds: options.accessTokenTtlSeconds });
  const state: GoogleHealthSimulatorState = Object.assign(data, {
    oauth,
    stats: oauth.stats,
    issueTokens: (userId: string, scopes: string[] = Object.values(GOOGLE_HEALTH_SCOPES)) => oauth.issueTokens(userId, scopes),
    revokeGrant: (userId: string) => oauth.revokeGrant(userId),
    revokeRefreshTokens: (userId: string) => oauth.revokeRefreshTokens(userId),
  });
  const server = await serveSimulator(
    async (request) =>
      (await handleOAuthRequest(oauth, request, "/oauth")) ??
      (await handleGoogleHealthRequest(data, oauth, request)) ??
      new Response(JSON.stringify({ error: { code: 404, message: "Not found.", status: "NOT_FOUND" } }), { status: 404, headers: { "content-type": "application/json" } }),
    { port: options.port, flavor: "google", randomFaults: options.randomFaults },
  );
  return { url: server.url, oauthUrl: `${server.url}/oauth`, state, failNext: server.failNext, setRandomFaults: server.setRandomFaults, faultCounts: server.faultCounts, requests: server.requests, close: server.close };
}
