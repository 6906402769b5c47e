import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthClient, createTokenManager, fitbitOAuthProvider, googleOAuthProvider, type TokenSet } from "../src/index.js";
import { startOAuthSimulator, type OAuthSimulator } from "../src/simulator/index.js";
import { everythingIn, memoryStore } from "./_helpers.js";

let google: OAuthSimulator;
let fitbit: OAuthSimulator;
const clientFor = (sim: OAuthSimulator, provider: typeof googleOAuthProvider) =>
  createOAuthClient(provider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/cb", tokenEndpoint: `${sim.oauthUrl}/token`, revocationEndpoint: `${sim.oauthUrl}/revoke` }));

/** Stored tokens whose access token is already past expiry (forces a refresh). */
function expiredCopy(sim: OAuthSimulator, userId: string): TokenSet {
  const minted = sim.state.issueTokens(userId, ["activity", "profile"]);
  return { ...minted, expiresAt: new Date(Date.now() - 1000) };
}

beforeAll(async () => {
  google = await startOAuthSimulator({ mode: "google" });
  fitbit = await startOAuthSimulator({ mode: "fitbit" });
});
afterAll(async () => {
  await google.close();
  await fitbit.close();
});

describe("token manager", () => {
  it("returns the stored token while it is valid beyond the refresh-ahead window", async () => {
    const minted = google.state.issueTokens("valid", ["activity"]);
    const store = memoryStore({ valid: minted });
    const manager = createTokenManager({ oauth: clientFor(google, googleOAuthProvider), store });
    const before = google.state.stats.refreshes;
    expect((await manager.getAccessToken("valid")) === minted.accessToken).toBe(true);
    expect(google.state.stats.refreshes).toBe(before);
  });

  it("refreshes ahead of expiry (default 5 minutes)", async () => {
    const minted = google.state.issueTokens("ahead", ["activity"]);
    const store = memoryStore({ ahead: { ...minted, expiresAt: new Date(Date.now() + 4 * 60_000) } });
    const manager = createTokenManager({ oauth: clientFor(google, googleOAuthProvider), store });
    const token = await manager.getAccessToken("ahead");
    expect(token === minted.accessToken).toBe(false);
    expect(store.rows.get("ahead")!.version).toBe(2);
  });

  it("sends exactly one refresh for many concurrent calls of one participant (Fitbit rotation)", async () => {
    const store = memoryStore({ many: expiredCopy(fitbit, "many") });
    const manager = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store });
    const before = fitbit.state.stats.refreshes;
    const tokens = await Promise.all(Array.from({ length: 25 }, () => manager.getAccessToken("many")));
    expect(new Set(tokens).size).toBe(1);
    expect(fitbit.state.stats.refreshes).toBe(before + 1);
    expect(store.saves()).toBe(1);
    // The rotated refresh token was persisted before the access token was handed out.
    expect(tokens[0] === store.rows.get("many")!.accessToken).toBe(true);
    expect(fitbit.state.authenticate(tokens[0]!).ok).toBe(true);
  });

  it("uses the token another process saved when it loses the compare-and-swap", async () => {
    const store = memoryStore({ race: expiredCopy(fitbit, "race") });
    // Two managers = two processes sharing one database.
    const a = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store });
    const b = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store });
    const before = { ...fitbit.state.stats };
    const [ta, tb] = await Promise.all([a.getAccessToken("race"), b.getAccessToken("race")]);
    expect(ta === tb).toBe(true);
    expect(fitbit.state.stats.refreshes).toBe(before.refreshes + 1);
    expect(fitbit.state.stats.replays).toBe(before.replays + 1); // the loser got the 120 s replay
    expect(store.rows.get("race")!.version).toBe(2);
  });

  it("re-reads the store after invalid_grant and uses a pair another process rotated", async () => {
    const old = expiredCopy(fitbit, "reread");
    const store = memoryStore({ reread: old });
    const other = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store });
    const fresh = await other.getAccessToken("reread");
    fitbit.state.authenticate(fresh); // used → the old refresh token can no longer be replayed
    // This manager still believes the old (expired) row is current when it starts refreshing.
    // This process read the row before the other one saved: its first load is the stale pair.
    let loads = 0;
    const stale = { ...store, load: async (key: string) => (++loads === 1 ? { ...old, version: 1 } : store.load(key)) };
    const manager = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store: stale });
    expect((await manager.getAccessToken("reread")) === fresh).toBe(true);
    expect(store.reauth).toEqual([]);
  });

  it("retries once after a Fitbit 409 on the token endpoint", async () => {
    const store = memoryStore({ conflict: expiredCopy(fitbit, "conflict") });
    const manager = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store });
    fitbit.state.conflictNextRefresh(1);
    await expect(manager.getAccessToken("conflict")).resolves.toEqual(expect.any(String));
    fitbit.state.conflictNextRefresh(2);
    await expect(manager.refreshNow("conflict")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("gives REAUTH_REQUIRED and marks the account when the grant is dead, without leaking tokens", async () => {
    const tokens = expiredCopy(fitbit, "dead");
    const store = memoryStore({ dead: tokens });
    fitbit.state.revokeGrant("dead");
    const manager = createTokenManager({ oauth: clientFor(fitbit, fitbitOAuthProvider), store });
    const error = await manager.getAccessToken("dead").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "REAUTH_REQUIRED", upstreamCode: "invalid_grant" });
    expect(store.reauth).toEqual([{ accountKey: "dead", reason: "invalid_grant" }]);
    const text = everythingIn(error);
    expect(text.includes(tokens.refreshToken!) || text.includes(tokens.accessToken) || text.includes("sim-secret")).toBe(false);
  });

  it("gives REAUTH_REQUIRED for an account with no stored tokens", async () => {
    const manager = createTokenManager({ oauth: clientFor(google, googleOAuthProvider), store: memoryStore() });
    await expect(manager.getAccessToken("nobody")).rejects.toMatchObject({ code: "REAUTH_REQUIRED" });
  });

  it("refreshNow refreshes only tokens expiring within the given window", async () => {
    const minted = google.state.issueTokens("maint", ["activity"]);
    const now = Date.now();
    const store = memoryStore({ maint: { ...minted, expiresAt: new Date(now + 2 * 3_600_000) } });
    const manager = createTokenManager({ oauth: clientFor(google, googleOAuthProvider), store });
    await expect(manager.refreshNow("maint", { ifExpiresWithinMs: 3_600_000 })).resolves.toMatchObject({ refreshed: false });
    const result = await manager.refreshNow("maint");
    expect(result.refreshed).toBe(true);
    expect(result.expiresAt.getTime()).toBeGreaterThan(now + 3_000_000);
    // Google keeps the refresh token (no rotation), and it is kept in the store.
    expect(store.rows.get("maint")!.refreshToken === minted.refreshToken).toBe(true);
  });

  it("reports a failing store as TOKEN_STORE without quoting it", async () => {
    const store = memoryStore();
    store.load = () => Promise.reject(new Error("row: access_token=ya29.secret-in-row"));
    const manager = createTokenManager({ oauth: clientFor(google, googleOAuthProvider), store });
    const error = await manager.getAccessToken("x").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOKEN_STORE" });
    expect(everythingIn(error).includes("secret-in-row")).toBe(false);
  });
});
