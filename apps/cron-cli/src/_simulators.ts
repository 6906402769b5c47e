import type { PowerTokenConfigInput } from "@powertoken/core";
import { startFitbitLegacySimulator, startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator, type ScenarioInput, type WeconnectSimulator } from "@powertoken/weconnect/simulator";

/** The simulated OAuth client both tracker simulators accept (not a secret: the simulators' documented default). */
export const SIM_CLIENT = { clientId: "sim-client", clientSecret: "sim-secret" } as const;

/** The tracker side of a running set of simulators, the same for both backends. */
export interface SimTracker {
  backend: "google-health" | "fitbit-legacy";
  url: string;
  oauthUrl: string;
  addUser(userId: string, timeZone: string): void;
  issueTokens(userId: string): { accessToken: string; refreshToken: string; expiresAt: Date; scopes: string[] };
  /** PowerToken's entry on that local day, as the participant would see it. */
  viewDay(userId: string, date: string): { steps: number; label: string | null } | null;
  /** Successful requests that changed data (not GET, not OAuth) so far: what tests count as tracker writes. */
  dataWrites(): number;
  close(): Promise<void>;
}

/** WEconnect plus one tracker simulator, in this process, on 127.0.0.1. */
export interface Simulators {
  weconnect: WeconnectSimulator;
  tracker: SimTracker;
  /** Config that points PowerToken at these simulators. */
  config: PowerTokenConfigInput;
  /** The same as environment variables, for `simulate`'s printout. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the simulators the demo, `simulate` and the tests use. */
export async function startSimulators(options: {
  backend: "google-health" | "fitbit-legacy";
  now?: () => Date;
  seed?: ScenarioInput;
  scenario?: string;
  ports?: { weconnect?: number; tracker?: number };
}): Promise<Simulators> {
  const now = options.now;
  const weconnect = await startWeconnectSimulator({
    ...(now ? { now } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.ports?.weconnect === undefined ? {} : { port: options.ports.weconnect }),
  });
  const port = options.ports?.tracker === undefined ? {} : { port: options.ports.tracker };
  let tracker: SimTracker;
  try {
    tracker = options.backend === "google-health" ? await googleHealth(now, port) : await fitbitLegacy(now, port);
  } catch (error) {
    await weconnect.close();
    throw error;
  }
  const section = options.backend === "google-health" ? "googleHealth" : "fitbitLegacy";
  const prefix = options.backend === "google-health" ? "POWERTOKEN_GOOGLE" : "POWERTOKEN_FITBIT";
  const trackerConfig = {
    apiUrl: tracker.url,
    authorizationUrl: `${tracker.oauthUrl}/authorize`,
    tokenUrl: `${tracker.oauthUrl}/token`,
    revocationUrl: `${tracker.oauthUrl}/revoke`,
    clientId: SIM_CLIENT.clientId,
    clientSecret: SIM_CLIENT.clientSecret,
  };
  return {
    weconnect,
    tracker,
    config: { weconnect: { baseUrl: weconnect.url }, [section]: trackerConfig, defaults: { backend: options.backend } },
    env: {
      POWERTOKEN_WECONNECT_URL: weconnect.url,
      [`${prefix}_API_URL`]: trackerConfig.apiUrl,
      [`${prefix}_AUTH_URL`]: trackerConfig.authorizationUrl,
      [`${prefix}_TOKEN_URL`]: trackerConfig.tokenUrl,
      [`${prefix}_REVOKE_URL`]: trackerConfig.revocationUrl,
      [`${prefix}_CLIENT_ID`]: trackerConfig.clientId,
      [`${prefix}_CLIENT_SECRET`]: trackerConfig.clientSecret,
      POWERTOKEN_DEFAULT_BACKEND: options.backend,
    },
    close: async () => {
      await Promise.allSettled([weconnect.close(), tracker.close()]);
    },
  };
}

async function googleHealth(now: (() => Date) | undefined, port: { port?: number }): Promise<SimTracker> {
  const sim = await startGoogleHealthSimulator({ ...(now ? { now } : {}), ...port, client: { ...SIM_CLIENT } });
  return {
    backend: "google-health",
    url: sim.url,
    oauthUrl: sim.oauthUrl,
    addUser: (userId, timeZone) => sim.state.addUser({ userId, timeZone }),
    issueTokens: (userId) => sim.state.issueTokens(userId),
    viewDay: (userId, date) => {
      const entry = sim.state.viewDay(userId, date).powertoken;
      return entry ? { steps: entry.steps, label: entry.label } : null;
    },
    dataWrites: () => countWrites(sim.requests),
    close: () => sim.close(),
  };
}

async function fitbitLegacy(now: (() => Date) | undefined, port: { port?: number }): Promise<SimTracker> {
  const sim = await startFitbitLegacySimulator({ ...(now ? { now } : {}), ...port });
  return {
    backend: "fitbit-legacy",
    url: sim.url,
    oauthUrl: sim.oauthUrl,
    addUser: (userId, timeZone) => {
      sim.state.addUser({ userId, timeZone });
    },
    issueTokens: (userId) => sim.state.issueTokens(userId),
    viewDay: (userId, date) => {
      const entry = sim.state.viewDay(userId, date).powertoken;
      return entry ? { steps: entry.steps, label: null } : null;
    },
    dataWrites: () => countWrites(sim.requests),
    close: () => sim.close(),
  };
}

function countWrites(requests: readonly { method: string; path: string; status: number }[]): number {
  return requests.filter((r) => r.method !== "GET" && !r.path.startsWith("/oauth") && r.status >= 200 && r.status < 300).length;
}
