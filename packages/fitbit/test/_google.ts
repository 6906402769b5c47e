import { createGoogleHealthTracker, createOAuthClient, createTokenManager, googleOAuthProvider, type GoogleHealthTrackerOptions } from "../src/index.js";
import type { GoogleHealthSimulator } from "../src/simulator/index.js";
import { memoryStore } from "./_helpers.js";

/** A tracker for `userId` on `sim` (user added when missing), with fast retries unless overridden. */
export function googleTracker(sim: GoogleHealthSimulator, userId: string, options: Partial<GoogleHealthTrackerOptions> & { scopes?: string[]; timeZone?: string } = {}) {
  if (!sim.state.hasUser(userId)) sim.state.addUser({ userId, timeZone: options.timeZone ?? "America/Los_Angeles" });
  const minted = sim.state.issueTokens(userId, options.scopes);
  const store = memoryStore({ [userId]: { ...minted } });
  const oauth = createOAuthClient(
    googleOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/cb", tokenEndpoint: `${sim.oauthUrl}/token` }),
    options.onRequest ? { onRequest: options.onRequest } : {},
  );
  const tokens = createTokenManager({ oauth, store });
  const tracker = createGoogleHealthTracker({ baseUrl: sim.url, tokens, retry: { baseDelayMs: 1 }, timeoutMs: 2000, ...options });
  return { tracker, store, tokens, minted };
}
