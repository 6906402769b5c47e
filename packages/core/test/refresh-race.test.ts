import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createParticipant, findTrackerAccountById, listParticipants, loadTrackerToken, migrateToLatest, openDatabase, parseEncryptionKey, saveTrackerAccount } from "@powertoken/db";
import { startOAuthSimulator, type OAuthSimulator } from "@powertoken/fitbit/simulator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const WORKER = fileURLToPath(new URL("../bench/refresh-race-worker.mjs", import.meta.url));
const KEY = Buffer.alloc(32, 9).toString("base64");
const keys = { current: { id: "race", key: parseEncryptionKey(KEY) } };

interface Target {
  url: string;
  schema: string | undefined;
  dir: string | undefined;
}

function newTarget(dialect: "sqlite" | "postgres"): Target {
  if (dialect === "postgres") return { url: POSTGRES_URL, schema: `t_race_${randomBytes(4).toString("hex")}`, dir: undefined };
  const dir = mkdtempSync(join(tmpdir(), "pt-race-"));
  return { url: join(dir, "race.db"), schema: undefined, dir };
}

/** Participants with one tracker account each, their tokens minted by the simulator. */
async function seed(target: Target, sim: OAuthSimulator, count: number): Promise<string[]> {
  const handle = await openDatabase({ url: target.url, schema: target.schema, keys });
  try {
    await migrateToLatest(handle.db);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const p = await createParticipant(handle.db, { name: `race-${i}`, timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
      const minted = sim.state.issueTokens(`user-${i}`, ["activity", "profile"]);
      const account = await saveTrackerAccount(handle.db, keys, { participantId: p.id, backend: "fitbit-legacy", ...minted });
      ids.push(String(account.id));
    }
    return ids;
  } finally {
    await handle.close();
  }
}

async function drop(target: Target): Promise<void> {
  if (target.dir) rmSync(target.dir, { recursive: true, force: true });
  if (target.schema) {
    const client = new pg.Client(target.url);
    await client.connect();
    await client.query(`drop schema if exists "${target.schema}" cascade`);
    await client.end();
  }
}

interface WorkerResult {
  signal: NodeJS.Signals | null;
  counts: { calls: number; ok: number; failures: Record<string, number> } | null;
}

/** Runs one worker process to its end (or its SIGKILL). */
function runWorker(target: Target, sim: OAuthSimulator, accounts: string[], env: Record<string, string>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, PT_DB_URL: target.url, PT_DB_SCHEMA: target.schema ?? "", PT_KEY: KEY, PT_OAUTH_URL: sim.oauthUrl, PT_ACCOUNTS: accounts.join(","), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal === "SIGKILL") return resolve({ signal, counts: null });
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err.slice(0, 2000)}`));
      resolve({ signal, counts: JSON.parse(out.trim().split("\n").pop()!) as WorkerResult["counts"] });
    });
  });
}

/** Flags and dead grants after a run, read from the database and checked at the simulator. */
async function inspect(target: Target, sim: OAuthSimulator, accounts: string[]) {
  const handle = await openDatabase({ url: target.url, schema: target.schema, keys });
  try {
    let flagged = 0;
    let dead = 0;
    for (const id of accounts) {
      if ((await findTrackerAccountById(handle.db, Number(id)))?.status !== "active") flagged += 1;
      const token = await loadTrackerToken(handle.db, keys, Number(id));
      if (!sim.state.isRefreshTokenLive(token!.refreshToken!)) dead += 1;
    }
    const participantsFlagged = (await listParticipants(handle.db)).filter((p) => p.status !== "active").length;
    return { flagged, dead, participantsFlagged };
  } finally {
    await handle.close();
  }
}

describe.each(["sqlite", "postgres"] as const)("refresh race across processes on %s", (dialect) => {
  let sim: OAuthSimulator;
  const targets: Target[] = [];
  beforeAll(async () => {
    sim = await startOAuthSimulator({ mode: "fitbit", replayWindowSeconds: 0 });
  });
  afterAll(async () => {
    await sim.close();
    for (const t of targets) await drop(t);
  });

  it("three processes refreshing on every call with single-use tokens and no replay window flag nobody and lose no grant", { timeout: 240_000 }, async () => {
    sim.state.settings.replayWindowSeconds = 0;
    const target = newTarget(dialect);
    targets.push(target);
    const accounts = await seed(target, sim, 40);
    const before = { ...sim.state.stats };
    const results = await Promise.all([0, 1, 2].map(() => runWorker(target, sim, accounts, { PT_ROUNDS: "9", PT_CONCURRENCY: "6" })));
    const failures = results.flatMap((r) => Object.entries(r.counts!.failures));
    expect(failures).toEqual([]);
    expect(sim.state.stats.refreshes - before.refreshes).toBeGreaterThanOrEqual(1000);
    expect(sim.state.stats.rejectedRefreshes - before.rejectedRefreshes).toBe(0);
    expect(await inspect(target, sim, accounts)).toEqual({ flagged: 0, dead: 0, participantsFlagged: 0 });
  });

  it("processes SIGKILLed right after a refresh answer lose no grant within the provider's replay window", { timeout: 240_000 }, async () => {
    sim.state.settings.replayWindowSeconds = 60;
    const target = newTarget(dialect);
    targets.push(target);
    const accounts = await seed(target, sim, 20);
    const before = { ...sim.state.stats };
    let kills = 0;
    for (let wave = 0; wave < 3; wave++) {
      const results = await Promise.all(
        [0, 1, 2].map(() => runWorker(target, sim, accounts, { PT_ROUNDS: "3", PT_CONCURRENCY: "4", PT_LEASE_MS: "400", PT_KILL_AFTER: String(3 + Math.floor(Math.random() * 20)) })),
      );
      kills += results.filter((r) => r.signal === "SIGKILL").length;
    }
    // A survivor's pass: every account is touched once more after the last kill.
    const final = await runWorker(target, sim, accounts, { PT_ROUNDS: "1", PT_LEASE_MS: "400" });
    expect(kills).toBeGreaterThanOrEqual(6);
    expect(final.counts!.failures).toEqual({});
    expect(sim.state.stats.replays - before.replays).toBeGreaterThan(0);
    expect(await inspect(target, sim, accounts)).toEqual({ flagged: 0, dead: 0, participantsFlagged: 0 });
  });
});
