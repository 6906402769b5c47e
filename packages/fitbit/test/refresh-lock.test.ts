import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthClient, createTokenManager, fitbitOAuthProvider, googleOAuthProvider, type RefreshLocking, type TokenSet, type TokenStore } from "../src/index.js";
import { startOAuthSimulator, type OAuthSimulator } from "../src/simulator/index.js";
import { everythingIn, memoryStore } from "./_helpers.js";

let fitbit: OAuthSimulator;
let google: OAuthSimulator;
const clientFor = (sim: OAuthSimulator) =>
  createOAuthClient(
    (sim.state.mode === "google" ? googleOAuthProvider : fitbitOAuthProvider)({
      clientId: "sim-client",
      clientSecret: "sim-secret",
      redirectUri: "http://127.0.0.1/cb",
      tokenEndpoint: `${sim.oauthUrl}/token`,
      revocationEndpoint: `${sim.oauthUrl}/revoke`,
    }),
  );

/** A memory store with lease-row locks, as a database would keep them; `clock` drives the leases. */
function lockingStore(initial: Record<string, TokenSet>, clock: () => Date) {
  const store = memoryStore(initial);
  const rows = new Map<string, { owner: string | null; untilMs: number; inFlight: { tokenFingerprint: string; startedAt: Date } | null }>();
  const locks: RefreshLocking = {
    lock(key, { owner, leaseMs, now }) {
      const row = rows.get(key);
      if (row && row.owner !== null && row.untilMs > now.getTime()) return Promise.resolve(null);
      rows.set(key, { owner, untilMs: now.getTime() + leaseMs, inFlight: row?.inFlight ?? null });
      return Promise.resolve({ orphan: row?.inFlight ?? null });
    },
    markInFlight(key, { owner, tokenFingerprint, now }) {
      const row = rows.get(key);
      if (row?.owner !== owner || row.untilMs <= clock().getTime()) return Promise.resolve(false);
      row.inFlight = { tokenFingerprint, startedAt: now };
      return Promise.resolve(true);
    },
    unlock(key, { owner }) {
      const row = rows.get(key);
      if (row?.owner === owner) rows.set(key, { owner: null, untilMs: 0, inFlight: null });
      return Promise.resolve();
    },
  };
  return Object.assign(store, { locks, lockRows: rows }) as ReturnType<typeof memoryStore> & TokenStore & { locks: RefreshLocking; lockRows: typeof rows };
}

const expired = (sim: OAuthSimulator, userId: string): TokenSet => ({ ...sim.state.issueTokens(userId, ["activity", "profile"]), expiresAt: new Date(Date.now() - 1000) });

beforeAll(async () => {
  fitbit = await startOAuthSimulator({ mode: "fitbit", replayWindowSeconds: 0 });
  google = await startOAuthSimulator({ mode: "google", rotateRefreshTokens: true, singleUseRefreshTokens: true });
});
afterAll(async () => {
  await fitbit.close();
  await google.close();
});

describe("token refresh under a cross-process lock", () => {
  it.each(["fitbit", "google"] as const)("sends one refresh per account for four managers racing on single-use tokens with no replay window (%s)", async (mode) => {
    const sim = mode === "fitbit" ? fitbit : google;
    const keys = Array.from({ length: 20 }, (_, i) => `${mode}-race-${i}`);
    const store = lockingStore(Object.fromEntries(keys.map((k) => [k, expired(sim, k)])), () => new Date());
    const managers = Array.from({ length: 4 }, () => createTokenManager({ oauth: clientFor(sim), store }));
    const before = { ...sim.state.stats };
    const calls = keys.flatMap((k) => managers.flatMap((m) => [m.getAccessToken(k), m.renewAfterRejection(k, "stale")]));
    await Promise.all(calls);
    expect(store.reauth).toEqual([]);
    expect(sim.state.stats.rejectedRefreshes - before.rejectedRefreshes).toBe(0);
    expect(sim.state.stats.refreshes - before.refreshes).toBe(keys.length);
    for (const k of keys) expect(sim.state.isRefreshTokenLive(store.rows.get(k)!.refreshToken!)).toBe(true);
  });

  it("flags the account only when the rejected refresh token is still the stored one", async () => {
    const store = lockingStore({ dead: expired(fitbit, "dead") }, () => new Date());
    fitbit.state.revokeGrant("dead");
    const manager = createTokenManager({ oauth: clientFor(fitbit), store });
    await expect(manager.getAccessToken("dead")).rejects.toMatchObject({ code: "REAUTH_REQUIRED" });
    expect(store.reauth).toEqual([{ accountKey: "dead", reason: "invalid_grant" }]);
    expect(store.lockRows.get("dead")?.owner).toBeNull(); // released even on failure
  });

  it("waits for the holder and uses the pair it saved instead of refreshing again", async () => {
    const store = lockingStore({ waits: expired(fitbit, "waits") }, () => new Date());
    await store.locks.lock("waits", { owner: "other", leaseMs: 30_000, now: new Date() });
    const manager = createTokenManager({ oauth: clientFor(fitbit), store });
    const before = fitbit.state.stats.refreshes;
    const pending = manager.getAccessToken("waits");
    // The other process refreshes and saves, then releases.
    const row = store.rows.get("waits")!;
    const tokens = await clientFor(fitbit).refresh(row.refreshToken!);
    await store.save("waits", tokens, row.version);
    await store.locks.unlock("waits", { owner: "other" });
    expect((await pending) === tokens.accessToken).toBe(true);
    expect(fitbit.state.stats.refreshes).toBe(before + 1);
  });

  it("gives TOKEN_STORE when another holder keeps the lock past lockWaitMs", async () => {
    const store = lockingStore({ stuck: expired(fitbit, "stuck") }, () => new Date());
    await store.locks.lock("stuck", { owner: "other", leaseMs: 60_000, now: new Date() });
    const manager = createTokenManager({ oauth: clientFor(fitbit), store, lockWaitMs: 150 });
    await expect(manager.getAccessToken("stuck")).rejects.toMatchObject({ code: "TOKEN_STORE" });
    expect(store.reauth).toEqual([]);
  });
});

describe("a holder that dies between the refresh answer and the save", () => {
  /** Plays the dead process: takes the lock, records and sends the refresh, never saves. */
  async function dieMidRefresh(sim: OAuthSimulator, store: ReturnType<typeof lockingStore>, key: string, leaseMs: number) {
    const { createHash } = await import("node:crypto");
    const row = store.rows.get(key)!;
    await store.locks.lock(key, { owner: "dead", leaseMs, now: new Date() });
    await store.locks.markInFlight(key, { owner: "dead", tokenFingerprint: createHash("sha256").update(row.refreshToken!).digest("hex"), now: new Date() });
    await clientFor(sim).refresh(row.refreshToken!);
  }

  it("recovers the new pair by replaying the old refresh token within the provider's window", async () => {
    const sim = await startOAuthSimulator({ mode: "fitbit", replayWindowSeconds: 120 });
    try {
      const store = lockingStore({ crash: expired(sim, "crash") }, () => new Date());
      await dieMidRefresh(sim, store, "crash", 100);
      const manager = createTokenManager({ oauth: clientFor(sim), store });
      const token = await manager.getAccessToken("crash");
      expect(sim.state.stats.replays).toBe(1);
      expect(sim.state.authenticate(token).ok).toBe(true);
      expect(sim.state.isRefreshTokenLive(store.rows.get("crash")!.refreshToken!)).toBe(true);
      expect(store.reauth).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it("without a replay window the grant is lost, and the flag says a crash lost it, without leaking a token", async () => {
    const sim = await startOAuthSimulator({ mode: "fitbit", replayWindowSeconds: 0 });
    try {
      const initial = expired(sim, "lost");
      const store = lockingStore({ lost: initial }, () => new Date());
      await dieMidRefresh(sim, store, "lost", 100);
      const manager = createTokenManager({ oauth: clientFor(sim), store });
      const error = await manager.getAccessToken("lost").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "REAUTH_REQUIRED" });
      expect(store.reauth).toEqual([{ accountKey: "lost", reason: "invalid_grant after a refresh interrupted by a crash" }]);
      expect(everythingIn(error).includes(initial.refreshToken!)).toBe(false);
    } finally {
      await sim.close();
    }
  });
});
