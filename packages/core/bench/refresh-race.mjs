// The table of issue 16, measured: P processes (bench/refresh-race-worker.mjs) share one database
// and refresh N participants' tracker tokens on every call, against the OAuth simulator in this
// process. Prints one row per setup; asserts nothing. Needs `npx tsup` in db, fitbit and core.
// Usage: node bench/refresh-race.mjs [--participants=200] [--processes=4] [--rounds=4] [--kills=20] [--no-lock] [--only=5,6]
//   --no-lock runs the workers without the refresh lock (the behaviour before issue 16).
// Participants are flagged by the poll (core), accounts by the token manager; this bench runs no
// poll, so "Accounts flagged re-auth" is the column to read. "Grants dead" = stored refresh tokens the simulator no longer accepts (nor would replay).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createParticipant, findTrackerAccountById, listParticipants, loadTrackerToken, migrateToLatest, openDatabase, parseEncryptionKey, saveTrackerAccount } from "@powertoken/db";
import { startOAuthSimulator } from "@powertoken/fitbit/simulator";
import pg from "pg";

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const N = arg("participants", 200);
const P = arg("processes", 4);
const ROUNDS = arg("rounds", 4);
const KILLS = arg("kills", 20);
const NO_LOCK = process.argv.includes("--no-lock");
const ONLY = process.argv.find((a) => a.startsWith("--only="))?.split("=")[1]?.split(",").map(Number); // 1-based rows
const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const WORKER = fileURLToPath(new URL("./refresh-race-worker.mjs", import.meta.url));
const KEY = randomBytes(32).toString("base64");
const keys = { current: { id: "race", key: parseEncryptionKey(KEY) } };

const SETUPS = [
  { name: "PostgreSQL, legacy simulator, its 120 s replay window", dialect: "postgres", mode: "fitbit", sim: { replayWindowSeconds: 120 } },
  { name: "PostgreSQL, single-use, no replay window", dialect: "postgres", mode: "fitbit", sim: { replayWindowSeconds: 0 } },
  { name: "SQLite, single-use, no replay window", dialect: "sqlite", mode: "fitbit", sim: { replayWindowSeconds: 0 } },
  { name: "PostgreSQL, Google Health with single-use rotation", dialect: "postgres", mode: "google", sim: { rotateRefreshTokens: true, singleUseRefreshTokens: true, replayWindowSeconds: 0 } },
  { name: `SIGKILL right after a refresh answer, no replay window (${KILLS} kills)`, dialect: "postgres", mode: "fitbit", sim: { replayWindowSeconds: 0 }, kills: KILLS },
  { name: `SIGKILL right after a refresh answer, 120 s replay window (${KILLS} kills)`, dialect: "postgres", mode: "fitbit", sim: { replayWindowSeconds: 120 }, kills: KILLS },
];

async function seed(target, sim) {
  const handle = await openDatabase({ url: target.url, schema: target.schema, keys });
  await migrateToLatest(handle.db);
  const ids = [];
  for (let i = 0; i < N; i++) {
    const p = await createParticipant(handle.db, { name: `race-${i}`, timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
    const minted = sim.state.issueTokens(`user-${i}`, ["activity", "profile"]);
    ids.push(String((await saveTrackerAccount(handle.db, keys, { participantId: p.id, backend: "fitbit-legacy", ...minted })).id));
  }
  await handle.close();
  return ids;
}

function runWorker(target, sim, accounts, mode, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, PT_DB_URL: target.url, PT_DB_SCHEMA: target.schema ?? "", PT_KEY: KEY, PT_OAUTH_URL: sim.oauthUrl, PT_MODE: mode, PT_ACCOUNTS: accounts.join(","), ...(NO_LOCK ? { PT_NO_LOCK: "1" } : {}), ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("close", (code, signal) => resolve({ signal, counts: code === 0 ? JSON.parse(out.trim().split("\n").pop()) : null }));
  });
}

async function inspect(target, sim, accounts) {
  const handle = await openDatabase({ url: target.url, schema: target.schema, keys });
  let dead = 0;
  for (const id of accounts) {
    const token = await loadTrackerToken(handle.db, keys, Number(id));
    if (!sim.state.isRefreshTokenLive(token.refreshToken)) dead += 1;
  }
  let flaggedAccounts = 0;
  for (const id of accounts) if ((await findTrackerAccountById(handle.db, Number(id))).status !== "active") flaggedAccounts += 1;
  const flagged = (await listParticipants(handle.db)).filter((p) => p.status !== "active").length;
  await handle.close();
  return { dead, flagged, flaggedAccounts };
}

async function drop(target) {
  if (target.dir) rmSync(target.dir, { recursive: true, force: true });
  if (target.schema) {
    const client = new pg.Client(target.url);
    await client.connect();
    await client.query(`drop schema if exists "${target.schema}" cascade`);
    await client.end();
  }
}

console.log(`refresh race: ${N} participants, ${P} processes, ${ROUNDS} rounds, refresh on every call, lock ${NO_LOCK ? "OFF" : "on"}, load ${loadavg()[0].toFixed(1)}`);
console.log("| Setup | Refreshes | invalid_grant answers | Replays | Participants flagged | Accounts flagged re-auth | Token errors | Grants really dead | Wall s |");
console.log("|---|---|---|---|---|---|---|---|---|");
let total = 0;
for (const [index, setup] of SETUPS.entries()) {
  if (ONLY && !ONLY.includes(index + 1)) continue;
  const sim = await startOAuthSimulator({ mode: setup.mode, ...setup.sim });
  const target =
    setup.dialect === "postgres"
      ? { url: POSTGRES_URL, schema: `bench_race_${randomBytes(4).toString("hex")}` }
      : (() => {
          const dir = mkdtempSync(join(tmpdir(), "pt-race-bench-"));
          return { url: join(dir, "race.db"), dir };
        })();
  const accounts = await seed(target, sim);
  const started = Date.now();
  const failures = {};
  const add = (counts) => {
    for (const [code, n] of Object.entries(counts?.failures ?? {})) failures[code] = (failures[code] ?? 0) + n;
  };
  if (setup.kills) {
    let kills = 0;
    while (kills < setup.kills) {
      const results = await Promise.all(
        Array.from({ length: Math.min(P, setup.kills - kills) }, () =>
          runWorker(target, sim, accounts, setup.mode, { PT_ROUNDS: "1", PT_LEASE_MS: "1000", PT_KILL_AFTER: String(20 + Math.floor(Math.random() * 60)) }),
        ),
      );
      kills += results.filter((r) => r.signal === "SIGKILL").length;
      results.forEach((r) => add(r.counts));
    }
    // A survivor touches every account once more, after every lease has run out.
    await new Promise((r) => setTimeout(r, 1100));
    add((await runWorker(target, sim, accounts, setup.mode, { PT_ROUNDS: "1" })).counts);
  } else {
    const results = await Promise.all(Array.from({ length: P }, () => runWorker(target, sim, accounts, setup.mode, { PT_ROUNDS: String(ROUNDS) })));
    results.forEach((r) => add(r.counts));
  }
  const wallS = ((Date.now() - started) / 1000).toFixed(1);
  const { dead, flagged, flaggedAccounts } = await inspect(target, sim, accounts);
  const s = sim.state.stats;
  total += s.refreshes;
  const errors = Object.entries(failures).map(([c, n]) => `${c} ${n}`).join(", ") || "0";
  console.log(`| ${setup.name} | ${s.refreshes.toLocaleString("en")} | ${s.rejectedRefreshes.toLocaleString("en")} | ${s.replays} | ${flagged} / ${N} | ${flaggedAccounts} / ${N} | ${errors} | ${dead} / ${N} | ${wallS} |`);
  await sim.close();
  await drop(target);
}
console.log(`total refreshes: ${total.toLocaleString("en")}`);
