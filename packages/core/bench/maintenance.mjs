// Figures for maintenance runs against the simulators with injected latency. Prints, asserts nothing.
// Usage: node bench/maintenance.mjs [N ...] [--dialect=sqlite|postgres] [--concurrency=C] [--transport=node-http|fetch]
//   (default: 1000 10000 on SQLite; concurrency 8 below 10,000 participants, 64 from 10,000;
//   transport node-http, the runtime's default, or fetch for Node's own). Needs `npx tsup` first (imports ./dist).
// Runs per size: "first" (stores today's events and day rows), "second" (nothing changed in
// WEconnect: the steady state of an hourly run, which the goals are about) in a fresh process as
// a cron job runs it, and "second, warm" repeated in that process as the daemon runs it.
// Processes: this one seeds the database; the runs go in worker processes (this file with
// --worker), so their CPU and peak RSS are PowerToken's alone; the simulators run in a third process
// (bench/simulators.mjs) and their CPU is printed apart. Requests are counted per API through
// onRequest, SQL statements at the driver (better-sqlite3 run/all/get/iterate, pg Client#query;
// BEGIN and COMMIT included). BENCH_CPU_PROF=out.cpuprofile profiles the second run's worker
// (summarise with bench/profile-summary.mjs, or open in Chrome DevTools).
// PostgreSQL: DATABASE_URL (default postgres://root@127.0.0.1:5432/test) names the server; the
// bench creates and drops its own database on it.
// Reuse (issue 17's scale driver): maintenanceBoundMs, seedMaintenanceParticipants and
// runMaintenanceBench are exported; importing this file runs nothing.
import { fork } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Session } from "node:inspector/promises";
import { writeHeapSnapshot } from "node:v8";
import { insertParticipantsWithAccounts } from "@powertoken/db";
import { countStatements } from "./count-statements.mjs";
import { ConfigSchema, createNodeHttpFetch, createRuntime, runMaintenance } from "../dist/index.js";

/** Injected before every request: the network the simulators on loopback do not have. */
export const LATENCY_MS = 50;

/** Issue 17's goals for a steady-state ("second") run, printed next to each figure. */
export const GOALS = Object.freeze({ wallOverBound: 1.15, requestsPerParticipant: 2, sqlStatementsPerParticipant: 3, cpuMsPerParticipant: 1.5, peakRssMbAt100k: 200 });

/**
 * The latency bound of a maintenance run: participants go through the pool `concurrency` at a
 * time, and a participant's requests (its two WEconnect reads, and a token refresh when due) run
 * side by side, so each costs one round trip of `latencyMs`:
 *   bound = ceil(participants / concurrency) × roundTrips × latencyMs, roundTrips = 1 (0 with no request).
 * Everything PowerToken does besides waiting (CPU, SQL) is what wall − bound measures.
 */
export function maintenanceBoundMs({ participants, concurrency, latencyMs = LATENCY_MS, roundTrips = 1 }) {
  return Math.ceil(participants / concurrency) * roundTrips * latencyMs;
}

/**
 * Store the simulators' participants (bench/simulators.mjs's `ready.participants`) as enrolment
 * would: a participant, their WEconnect link, their Google Health account (tokens encrypted as db
 * stores them) and their activities, through db's insertParticipantsWithAccounts in batches of
 * 2,000 (one transaction each). Returns the seeding time in ms.
 */
export async function seedMaintenanceParticipants(db, keys, participants, start) {
  const t0 = performance.now();
  for (let from = 0; from < participants.length; from += 2000) {
    const batch = participants.slice(from, from + 2000).map((s, k) => ({
      name: `p${from + k}`,
      timeZone: s.timeZone,
      enrollmentStart: "2026-11-20",
      status: "active",
      mapping: "plan",
      goalSteps: 10_000,
      stepsPerUnit: 25_000,
      weconnect: { personId: s.personId, accessToken: s.weconnectToken },
      tracker: { backend: "google-health", accessToken: s.tokens.accessToken, refreshToken: s.tokens.refreshToken, expiresAt: new Date(s.tokens.expiresAt), scopes: s.tokens.scopes },
      activities: s.activities.map((a) => ({ weconnectActivityId: String(a.activityId), name: a.name, startsAt: new Date(a.dateStart), durationMinutes: a.duration, repeat: a.repeat, repeatEndsAt: null, modifiedAt: new Date(a.dateModified), expiresAt: null })),
    }));
    await insertParticipantsWithAccounts(db, keys, batch, start);
  }
  return Math.round(performance.now() - t0);
}

const START = new Date("2026-11-25T15:30:00Z");
const serverUrl = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const requireFromDb = createRequire(fileURLToPath(import.meta.resolve("@powertoken/db")));

function startSimulators(n) {
  const child = fork(fileURLToPath(new URL("./simulators.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = async (message, type) => {
    const reply = once(child, "message").then(([m]) => m);
    child.send(message);
    const m = await reply;
    if (m.type !== type) throw new Error(`simulators answered ${m.type}, expected ${type}`);
    return m;
  };
  return {
    ready: ask({ type: "start", n, now: START.toISOString() }, "ready"),
    stats: () => ask({ type: "stats" }, "stats"),
    close: async () => {
      const exited = once(child, "exit");
      child.send({ type: "close" });
      await exited;
    },
  };
}

async function createDatabase(dialect) {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "pt-maint-bench-"));
    return { url: join(dir, "bench.sqlite"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const pg = requireFromDb("pg");
  const name = `pt_maint_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

function configOf(setup) {
  const oauth = setup.googleOauthUrl;
  return ConfigSchema.parse({
    database: { url: setup.databaseUrl },
    encryption: { key: setup.encryptionKey },
    weconnect: { baseUrl: setup.weconnectUrl },
    googleHealth: { apiUrl: setup.googleUrl, tokenUrl: `${oauth}/token`, revocationUrl: `${oauth}/revoke`, authorizationUrl: `${oauth}/authorize`, clientId: "sim-client", clientSecret: "sim-secret" },
    poll: { concurrency: setup.concurrency },
  });
}

/** Run maintenance in a fresh worker process (`runs` times in a row); resolves with each run's figures. */
async function runInWorker(setup, label, sims, runs = 1) {
  // BENCH_WORKER_OLD_SPACE_MB caps the worker's V8 old space: a run that still finishes has a live set below it.
  const execArgv = process.env.BENCH_WORKER_OLD_SPACE_MB ? [`--max-old-space-size=${process.env.BENCH_WORKER_OLD_SPACE_MB}`] : [];
  const worker = fork(fileURLToPath(import.meta.url), ["--worker"], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, BENCH_RUN: label, BENCH_RUNS: String(runs) } });
  const exited = once(worker, "exit");
  let simBefore;
  const figures = [];
  const done = new Promise((resolve, reject) => {
    // Handled one at a time: "done" and the next "ready" arrive together, and each asks the simulators.
    let queue = Promise.resolve();
    worker.on("message", (m) => {
      queue = queue.then(async () => {
        if (m.type === "ready") {
          simBefore = await sims.stats();
          worker.send({ type: "go" });
        } else if (m.type === "done") {
          const simAfter = await sims.stats();
          figures.push({ ...m.figures, simulatorsCpuMs: simAfter.cpuMs - simBefore.cpuMs });
          if (figures.length === runs) resolve(figures);
        } else if (m.type === "error") reject(new Error(m.message));
      }).catch(reject);
    });
    exited.then(([code]) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
  worker.send({ type: "setup", setup });
  await done;
  await exited;
  return figures;
}

/** The worker side: open the seeded database, run maintenance once, report. */
async function worker() {
  const statements = countStatements();

  const [{ setup }] = await once(process, "message");
  const baseFetch = setup.transport === "fetch" ? globalThis.fetch : createNodeHttpFetch();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const fetchWithLatency = async (input, init) => {
    await sleep(LATENCY_MS);
    return baseFetch(input, init);
  };
  const requests = {};
  const runtime = await createRuntime(configOf(setup), { now: () => START, fetch: fetchWithLatency, migrate: false, create: false, onRequest: (info) => void (requests[info.api] = (requests[info.api] ?? 0) + 1) });
  runtime.ctx.settings.concurrency = setup.concurrency;
  const rssBeforeRunMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  // One measured run: told "ready", waits for "go" (the parent reads the simulators' CPU in between).
  const measuredRun = async (first) => {
    const go = once(process, "message");
    process.send({ type: "ready" });
    await go;
    const profiler = first && process.env.BENCH_RUN === "second" && process.env.BENCH_CPU_PROF ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    // Peak heap in use (sampled): with RSS, tells a live set that grows with N from garbage V8 has not collected yet.
    let peakHeapUsed = 0;
    const sampler = setInterval(() => (peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed)), 200);
    // BENCH_HEAP_SNAPSHOT=file.heapsnapshot: what is live 5 s into the second run (open in Chrome DevTools).
    const snapshot = first && process.env.BENCH_RUN === "second" && process.env.BENCH_HEAP_SNAPSHOT ? setTimeout(() => writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT), 5000) : null;
    const statementsBefore = statements();
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const result = await runMaintenance(runtime.ctx);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpuBefore);
    const sql = statements() - statementsBefore;
    if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(process.env.BENCH_CPU_PROF, JSON.stringify(profile));
      profiler.disconnect();
    }
    clearInterval(sampler);
    if (snapshot) clearTimeout(snapshot);
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const peakHeapUsedMb = Math.round(peakHeapUsed / 1024 / 1024);
    const { participants: _each, startedAt: _s, finishedAt: _f, ...summary } = result;
    const counted = { ...requests };
    for (const api of Object.keys(requests)) delete requests[api];
    return { summary, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, sql, requests: counted, peakRssMb, rssBeforeRunMb, peakHeapUsedMb };
  };
  for (let k = 0; k < Number(process.env.BENCH_RUNS ?? 1); k += 1) {
    const figures = await measuredRun(k === 0);
    process.send({ type: "done", figures });
  }
  await runtime.close();
  baseFetch.close?.();
  process.disconnect();
}

/**
 * Seed `n` participants, then run maintenance: "first" in one worker process, "second" (nothing
 * changed) in another, and "second, warm" once more in that same process. Resolves with one
 * figures object per run, each figure next to its goal.
 */
export async function runMaintenanceBench({ n, dialect = "sqlite", concurrency = n >= 10_000 ? 64 : 8, transport = "node-http" }) {
  const sims = startSimulators(n);
  const seeded = await sims.ready;
  const database = await createDatabase(dialect);
  const setup = {
    databaseUrl: database.url,
    encryptionKey: randomBytes(32).toString("base64"),
    weconnectUrl: seeded.weconnectUrl,
    googleUrl: seeded.googleUrl,
    googleOauthUrl: seeded.googleOauthUrl,
    concurrency,
    transport,
  };
  const out = [];
  try {
    const seeder = await createRuntime(configOf(setup), { now: () => START });
    const seedMs = await seedMaintenanceParticipants(seeder.db.db, seeder.db.keys, seeded.participants, START);
    await seeder.close();
    seeded.participants = null;
    await sims.stats(); // warms the IPC path
    // "second" is the steady state in a fresh process (a cron job's); "second, warm" repeats it in
    // the same process (the daemon's: modules loaded, code optimised).
    const runs = [...(await runInWorker(setup, "first", sims)).map((f) => ["first", f]), ...(await runInWorker(setup, "second", sims, 2)).map((f, k) => [k === 0 ? "second" : "second, warm", f])];
    for (const [label, f] of runs) {
      const boundMs = maintenanceBoundMs({ participants: n, concurrency, roundTrips: Object.keys(f.requests).length > 0 ? 1 : 0 });
      const per = (x, digits = 2) => Number((x / n).toFixed(digits));
      const requestsPer = Object.fromEntries(Object.entries(f.requests).map(([api, count]) => [api, per(count)]));
      const requestsTotalPer = per(Object.values(f.requests).reduce((a, b) => a + b, 0));
      out.push({
        dialect,
        transport,
        run: label,
        participants: n,
        concurrency,
        failed: f.summary.failed,
        failuresByCode: f.summary.failuresByCode,
        tokensRefreshed: f.summary.tokensRefreshed,
        eventsUpserted: f.summary.eventsUpserted,
        wall: { ms: Math.round(f.wallMs), boundMs, overBound: Number((f.wallMs / boundMs).toFixed(2)), goal: `≤ ${GOALS.wallOverBound} × bound` },
        requestsPerParticipant: { ...requestsPer, total: requestsTotalPer, goal: `≤ ${GOALS.requestsPerParticipant}` },
        sqlStatementsPerParticipant: { value: per(f.sql, 3), goal: `≤ ${GOALS.sqlStatementsPerParticipant}` },
        cpuMsPerParticipant: { value: per(f.cpuMs), goal: `≤ ${GOALS.cpuMsPerParticipant}` },
        peakRssMb: { value: f.peakRssMb, beforeRun: f.rssBeforeRunMb, peakHeapUsedMb: f.peakHeapUsedMb, goal: `≤ ${GOALS.peakRssMbAt100k} at 100,000` },
        simulatorsCpuMsPerParticipant: per(f.simulatorsCpuMs),
        seedMs,
        loadAverage1m: Number(loadavg()[0].toFixed(1)),
      });
    }
  } finally {
    await sims.close();
    await database.drop();
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const dialect = flag("dialect") ?? "sqlite";
  const transport = flag("transport") ?? "node-http";
  const sizes = args.filter((a) => !a.startsWith("--")).map(Number).filter((n) => n > 0);
  console.log(
    `# core maintenance bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${dialect}, transport ${transport}; ${LATENCY_MS} ms injected latency per request; each run in its own worker process, simulators in another; bound = ceil(N / concurrency) × 1 round trip × ${LATENCY_MS} ms; goals (issue 17, "second" run): wall ≤ ${GOALS.wallOverBound} × bound, ≤ ${GOALS.requestsPerParticipant} requests and ≤ ${GOALS.sqlStatementsPerParticipant} SQL statements per participant, CPU ≤ ${GOALS.cpuMsPerParticipant} ms per participant, peak RSS ≤ ${GOALS.peakRssMbAt100k} MB at 100,000`,
  );
  for (const n of sizes.length > 0 ? sizes : [1000, 10000]) {
    const concurrency = flag("concurrency") ? Number(flag("concurrency")) : undefined;
    for (const line of await runMaintenanceBench({ n, dialect, transport, ...(concurrency ? { concurrency } : {}) })) console.log(JSON.stringify(line));
  }
}

if (process.argv.includes("--worker")) await worker();
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
