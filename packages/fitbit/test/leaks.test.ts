import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGoogleHealthTracker, createOAuthClient, createTokenManager, googleOAuthProvider, redactSecrets, type FitbitError } from "../src/index.js";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "../src/simulator/index.js";
import { everythingIn, memoryStore } from "./_helpers.js";

let sim: GoogleHealthSimulator;
beforeAll(async () => {
  sim = await startGoogleHealthSimulator({ users: [{ userId: "leaky", timeZone: "Europe/Berlin" }] });
});
afterAll(() => sim.close());

describe("no token leaks", () => {
  it("keeps tokens out of errors (String, cause chain, JSON) and out of the simulator's request log", async () => {
    const minted = sim.state.issueTokens("leaky");
    const store = memoryStore({ leaky: minted });
    const oauth = createOAuthClient(googleOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/cb", tokenEndpoint: `${sim.oauthUrl}/token` }));
    const tracker = createGoogleHealthTracker({ baseUrl: sim.url, tokens: createTokenManager({ oauth, store }), retry: false });
    await tracker.showDay({ accountKey: "leaky", date: "2026-11-25", timeZone: "Europe/Berlin", steps: 5, label: "x" });
    const secrets = () => [minted.accessToken, minted.refreshToken, store.rows.get("leaky")!.accessToken, "sim-secret"];
    const errors: unknown[] = [];
    // An upstream message that echoes the token (as Fitbit's do) must come out redacted.
    sim.failNext({ status: 400, body: { error: { code: 400, message: `bad token ${minted.accessToken}`, status: "INVALID_ARGUMENT" } } });
    errors.push(await tracker.getTimeZone("leaky").catch((e: unknown) => e));
    sim.failNext({ reset: true });
    errors.push(await tracker.getTimeZone("leaky").catch((e: unknown) => e));
    sim.failNext({ status: 401, count: 2, match: "/v4/" });
    errors.push(await tracker.getTimeZone("leaky").catch((e: unknown) => e));
    sim.failNext({ status: 403, body: { error: { code: 403, message: `API has not been used in project 1 (${minted.accessToken})`, status: "PERMISSION_DENIED", details: [{ reason: "SERVICE_DISABLED" }] } } });
    errors.push(await tracker.getTimeZone("leaky").catch((e: unknown) => e));
    sim.failNext({ status: 200, match: "/dataPoints", body: { done: true, error: { code: 7, message: `denied for ${minted.accessToken}` } } });
    errors.push(await tracker.showDay({ accountKey: "leaky", date: "2026-11-26", timeZone: "Europe/Berlin", steps: 5, label: "x" }).catch((e: unknown) => e));
    sim.failNext({ delayMs: 300 });
    errors.push(await createGoogleHealthTracker({ baseUrl: sim.url, tokens: createTokenManager({ oauth, store }), retry: false, timeoutMs: 50 }).getTimeZone("leaky").catch((e: unknown) => e));
    sim.state.revokeGrant("leaky");
    sim.state.oauth.expireAccessTokens("leaky");
    errors.push(await tracker.getTimeZone("leaky").catch((e: unknown) => e));
    expect(errors.map((e) => (e as FitbitError).code)).toEqual(["BAD_REQUEST", "NETWORK", "UNAUTHORIZED", "API_NOT_ENABLED", "FORBIDDEN", "NETWORK", "REAUTH_REQUIRED"]);
    for (const error of errors) {
      const text = everythingIn(error);
      expect(secrets().filter((s) => text.includes(s)), text.slice(0, 300)).toEqual([]);
    }
    const log = JSON.stringify(sim.requests);
    expect(secrets().filter((s) => log.includes(s))).toEqual([]);
    expect(sim.requests.some((r) => r.path === "/oauth/token")).toBe(true);
  });

  it("redactSecrets removes known secrets and token-shaped strings", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBQkMifQ.c2lnbmF0dXJlLXZhbHVl";
    expect(redactSecrets(`Access token expired: ${jwt}`)).toBe("Access token expired: [redacted]");
    expect(redactSecrets("Refresh token invalid: 3acf4f77e470df. Visit https://dev.fitbit.com/docs/oauth2")).toBe(
      "Refresh token invalid: [redacted]. Visit https://dev.fitbit.com/docs/oauth2",
    );
    expect(redactSecrets("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets("refresh_token=xyz&grant_type=refresh_token")).toBe("refresh_token=[redacted]&grant_type=refresh_token");
    expect(redactSecrets("value s3cr3t-value here", ["s3cr3t-value"])).toBe("value [redacted] here");
    expect(redactSecrets("echoed ya29.a0AfB_byC-x1 and 1//0gFAKErefresh-Token_1 here")).toBe("echoed [redacted] and [redacted] here");
  });
});
