import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimRefreshLock, createParticipant, findTrackerAccountById, listOrphanedRefreshes, loadTrackerToken, markRefreshInFlight, saveTrackerAccount } from "@powertoken/db";
import { createOAuthClient } from "@powertoken/fitbit";
import { startOAuthSimulator, type OAuthSimulator } from "@powertoken/fitbit/simulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigSchema, createOAuthProviderFromConfig, createRuntime, recoverOrphanedRefreshes, runMaintenance, type Logger, type PowerTokenConfig, type PowerTokenRuntime } from "../src/index.js";

// Fitbit-style single-use refresh tokens with no replay grace: a second use of one is refused
// and, were the refused token still stored, the account would be flagged for re-consent.
let sim: OAuthSimulator;
let dir: string;
const runtimes: PowerTokenRuntime[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "pt-refresh-lock-"));
});
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFor(simulator: OAuthSimulator, key: string): PowerTokenConfig {
  return ConfigSchema.parse({
    database: { url: join(dir, "pt.sqlite") },
    encryption: { key },
    fitbitLegacy: { clientId: "sim-client", clientSecret: "sim-secret", tokenUrl: `${simulator.oauthUrl}/token`, revocationUrl: `${simulator.oauthUrl}/revoke`, authorizationUrl: `${simulator.oauthUrl}/authorize` },
  });
}

/** The dying process's part: holds the lock, records what it sends, sends it, dies before saving. */
async function killedMidRefresh(config: PowerTokenConfig, runtime: PowerTokenRuntime, accountId: number) {
  const before = (await loadTrackerToken(runtime.db.db, runtime.db.keys, accountId))!;
  const diedAt = new Date(Date.now() - 60_000);
  expect(await claimRefreshLock(runtime.db.db, { accountId, owner: "killed", leaseMs: 30_000, now: diedAt })).not.toBeNull();
  const fingerprint = createHash("sha256").update(before.refreshToken!).digest("hex");
  expect(await markRefreshInFlight(runtime.db.db, { accountId, owner: "killed", tokenFingerprint: fingerprint, now: diedAt })).toBe(true);
  const lost = await createOAuthClient(createOAuthProviderFromConfig(config, "fitbit-legacy")).refresh(before.refreshToken!);
  return { before, lost };
}

/** Two runtimes (as two processes would open) over one SQLite file, and one linked legacy account. */
async function twoRuntimesAndAccount(simOptions: { replayWindowSeconds: number }, log?: Logger): Promise<{ config: PowerTokenConfig; a: PowerTokenRuntime; b: PowerTokenRuntime; accountId: number }> {
  sim = await startOAuthSimulator({ mode: "fitbit", singleUseRefreshTokens: true, ...simOptions });
  const config = configFor(sim, randomBytes(32).toString("base64"));
  const a = await createRuntime(config);
  runtimes.push(a);
  const b = await createRuntime(config, log ? { log, owner: "replica-b" } : {});
  runtimes.push(b);
  const participant = await createParticipant(a.db.db, { name: "p1", timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
  const minted = sim.state.issueTokens("user-1", ["activity", "profile"]);
  const account = await saveTrackerAccount(a.db.db, a.db.keys, { participantId: participant.id, backend: "fitbit-legacy", ...minted });
  return { config, a, b, accountId: account.id };
}

describe("createRuntime's tracker token store", () => {
  it("takes the database's refresh lock, so two runtimes refreshing one account at once never send the same refresh token", async () => {
    const { a, b, accountId } = await twoRuntimesAndAccount({ replayWindowSeconds: 0 });
    const key = String(accountId);
    for (let round = 0; round < 5; round += 1) {
      await Promise.all([a.ctx.tokenManagers["fitbit-legacy"]!.refreshNow(key), b.ctx.tokenManagers["fitbit-legacy"]!.refreshNow(key)]);
    }
    expect(sim.state.stats.rejectedRefreshes).toBe(0);
    // A runtime that waited for the lock finds a fresh token and sends nothing.
    expect(sim.state.stats.refreshes).toBeGreaterThanOrEqual(5);
    expect((await findTrackerAccountById(a.db.db, accountId))?.status).toBe("active");
    const stored = await loadTrackerToken(a.db.db, a.db.keys, accountId);
    expect(sim.state.isRefreshTokenLive(stored!.refreshToken!)).toBe(true);
  });

  it("makes a runtime wait while another process holds the account's refresh lock", async () => {
    const { a, b, accountId } = await twoRuntimesAndAccount({ replayWindowSeconds: 0 });
    // a holds the lock as a third party would; b (another owner) must wait for it, not share it.
    const claim = await claimRefreshLock(a.db.db, { accountId, owner: "someone-else", leaseMs: 60_000 });
    expect(claim).not.toBeNull();
    const started = Date.now();
    const waiting = b.ctx.tokenManagers["fitbit-legacy"]!.refreshNow(String(accountId));
    const settled = await Promise.race([waiting.then(() => "refreshed", () => "failed"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 1_500))]);
    expect(settled).toBe("waiting");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(sim.state.stats.refreshes).toBe(0);
    // Closing the runtime while it waits fails that refresh; swallow it for the test's end.
    waiting.catch(() => undefined);
  });
});

describe("recoverOrphanedRefreshes", () => {
  it("completes a refresh whose process died after sending the refresh token, within the provider's replay window", async () => {
    const { config, a, b, accountId } = await twoRuntimesAndAccount({ replayWindowSeconds: 120 });
    const { before, lost } = await killedMidRefresh(config, a, accountId);
    expect(sim.state.isRefreshTokenLive(before.refreshToken!)).toBe(false);
    expect(await listOrphanedRefreshes(b.db.db)).toHaveLength(1);

    const result = await recoverOrphanedRefreshes(b.ctx);
    expect(result).toEqual({ recovered: 1, failed: [], skipped: 0 });
    expect(sim.state.stats.replays).toBe(1);
    expect(sim.state.stats.rejectedRefreshes).toBe(0);
    const after = await loadTrackerToken(b.db.db, b.db.keys, accountId);
    expect(after!.refreshToken).not.toBe(before.refreshToken);
    // The replay answers what the lost response carried.
    expect(after!.refreshToken).toBe(lost.refreshToken);
    expect(sim.state.isRefreshTokenLive(after!.refreshToken!)).toBe(true);
    expect((await findTrackerAccountById(b.db.db, accountId))?.status).toBe("active");
    expect(await listOrphanedRefreshes(b.db.db)).toEqual([]);
    // Nothing left: a second call does nothing.
    expect(await recoverOrphanedRefreshes(a.ctx)).toEqual({ recovered: 0, failed: [], skipped: 0 });
  });

  it("reports a refresh it cannot complete (replay window closed) by code, with no token in the log", async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: object) => lines.push(JSON.stringify({ message, ...fields }));
    const log: Logger = { debug: record, info: record, warn: record, error: record };
    const { config, a, b, accountId } = await twoRuntimesAndAccount({ replayWindowSeconds: 0 }, log);
    const { before, lost } = await killedMidRefresh(config, a, accountId);

    const result = await recoverOrphanedRefreshes(b.ctx);
    expect(result).toEqual({ recovered: 0, failed: [{ accountId, code: "REAUTH_REQUIRED" }], skipped: 0 });
    expect(lines.some((l) => l.includes("REAUTH_REQUIRED"))).toBe(true);
    for (const secret of [before.refreshToken!, before.accessToken, lost.refreshToken!, lost.accessToken, "sim-secret"]) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  it("runs at the start of every maintenance run", async () => {
    const { config, a, b, accountId } = await twoRuntimesAndAccount({ replayWindowSeconds: 120 });
    const { lost } = await killedMidRefresh(config, a, accountId);
    await runMaintenance(b.ctx);
    expect(sim.state.stats.replays).toBe(1);
    expect((await loadTrackerToken(b.db.db, b.db.keys, accountId))!.refreshToken).toBe(lost.refreshToken);
    expect(await listOrphanedRefreshes(b.db.db)).toEqual([]);
  });
});
