// Figures for maintenance runs against the simulators with injected latency. Prints, asserts nothing.
// Usage: node bench/maintenance.mjs [N ...] [--dialect=sqlite|postgres] [--concurrency=C] [--transport=fetch|node-http]
//   (default: 1000 10000 on SQLite). Needs `npx tsup` first (imports ./dist).
// Two runs per size: "first" (stores today's events and day rows) and "second" (nothing changed in
// WEconnect: the steady state of an hourly run). Requests are counted per API through onRequest,
// SQL statements at the driver (better-sqlite3 prepare / pg query, BEGIN and COMMIT included).
// The simulators run in a child process (bench/simulators.mjs), so CPU ms and peak RSS are
// PowerToken's own. BENCH_CPU_PROF=out.cpuprofile profiles the second run (open in Chrome DevTools).
// PostgreSQL: DATABASE_URL (default postgres://root@127.0.0.1:5432/test) names the server; the
// bench creates and drops its own database on it.
import { fork } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Session } from "node:inspector/promises";
import { createParticipant, saveTrackerAccount, saveWeconnectAccount, upsertActivities } from "@powertoken/db";
import { ConfigSchema, createNodeHttpFetch, createRuntime, runMaintenance } from "../dist/index.js";

const LATENCY_MS = 50;
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const dialect = flag("dialect") ?? "sqlite";
// fetch: Node's own (undici); node-http: createNodeHttpFetch, the lean transport (issue 17, target 5).
const transport = flag("transport") ?? "fetch";
const sizes = args.filter((a) => !a.startsWith("--")).map(Number).filter((n) => n > 0);
const runs = sizes.length > 0 ? sizes : [1000, 10000];
const serverUrl = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";

// Count statements where the drivers run them: a better-sqlite3 Statement's run/all/get/iterate
// (db caches prepared statements, so prepare would undercount) and PostgreSQL's Client#query.
// The modules are db's own copies.
const requireFromDb = createRequire(fileURLToPath(import.meta.resolve("@powertoken/db")));
let statements = 0;
const Sqlite = requireFromDb("better-sqlite3");
const probe = new Sqlite(":memory:");
const StatementProto = Object.getPrototypeOf(probe.prepare("select 1"));
probe.close();
for (const method of ["run", "all", "get", "iterate"]) {
  const original = StatementProto[method];
  StatementProto[method] = function (...a) {
    statements += 1;
    return original.apply(this, a);
  };
}
const pg = requireFromDb("pg");
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...a) {
  statements += 1;
  return query.apply(this, a);
};

function startSimulators(n, now) {
  const child = fork(fileURLToPath(new URL("./simulators.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = async (message, type) => {
    const reply = once(child, "message").then(([m]) => m);
    child.send(message);
    const m = await reply;
    if (m.type !== type) throw new Error(`simulators answered ${m.type}, expected ${type}`);
    return m;
  };
  return {
    ready: ask({ type: "start", n, now: now.toISOString() }, "ready"),
    stats: () => ask({ type: "stats" }, "stats"),
    close: async () => {
      const exited = once(child, "exit");
      child.send({ type: "close" });
      await exited;
    },
  };
}

async function openDatabaseUrl() {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "pt-maint-bench-"));
    return { url: join(dir, "bench.sqlite"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pt_maint_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await query.call(admin, `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await query.call(again, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

async function measure(runtime, sims, n, concurrency, label) {
  const requests = new Map();
  const counter = (info) => requests.set(info.api, (requests.get(info.api) ?? 0) + 1);
  runtime.onRequest.add(counter);
  const simBefore = await sims.stats();
  const profiler = label === "second" && process.env.BENCH_CPU_PROF ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const statementsBefore = statements;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runMaintenance(runtime.runtime.ctx);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const sql = statements - statementsBefore;
  const simAfter = await sims.stats();
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(`${process.env.BENCH_CPU_PROF}`, JSON.stringify(profile));
    profiler.disconnect();
  }
  runtime.onRequest.delete(counter);
  const total = [...requests.values()].reduce((a, b) => a + b, 0);
  // The latency bound as issue 17 defines it: participants go through the pool `concurrency` at a
  // time, each costing its round trips in sequence. Its requests now overlap, so a participant
  // with any request costs one round trip (the runs cost three).
  const roundTrips = total > 0 ? 1 : 0;
  const boundMs = Math.ceil(n / concurrency) * roundTrips * LATENCY_MS;
  const per = (x) => Number((x / n).toFixed(2));
  return {
    dialect,
    transport,
    run: label,
    participants: n,
    concurrency,
    failed: result.failed,
    failuresByCode: result.failuresByCode,
    tokensRefreshed: result.tokensRefreshed,
    eventsUpserted: result.eventsUpserted,
    wallMs: Math.round(wallMs),
    boundMs,
    wallOverBound: Number((wallMs / boundMs).toFixed(2)),
    requestsPerParticipant: Object.fromEntries([...requests].map(([api, count]) => [api, per(count)])),
    sqlStatementsPerParticipant: per(sql),
    cpuMsPerParticipant: Number(((cpu.user + cpu.system) / 1000 / n).toFixed(2)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    simulatorsCpuMsPerParticipant: per(simAfter.cpuMs - simBefore.cpuMs),
    loadAverage1m: Number(loadavg()[0].toFixed(1)),
  };
}

async function bench(n, concurrency) {
  const start = new Date("2026-11-25T15:30:00Z");
  const now = () => start;
  const sims = startSimulators(n, start);
  const seeded = await sims.ready;
  const database = await openDatabaseUrl();
  let latency = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const baseFetch = transport === "node-http" ? createNodeHttpFetch() : globalThis.fetch;
  const fetchWithLatency = async (input, init) => {
    if (latency > 0) await sleep(latency);
    return baseFetch(input, init);
  };
  const googleOauth = seeded.googleOauthUrl;
  const config = ConfigSchema.parse({
    database: { url: database.url },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: seeded.weconnectUrl },
    googleHealth: { apiUrl: seeded.googleUrl, tokenUrl: `${googleOauth}/token`, revocationUrl: `${googleOauth}/revoke`, authorizationUrl: `${googleOauth}/authorize`, clientId: "sim-client", clientSecret: "sim-secret" },
    poll: { concurrency },
  });
  const onRequest = new Set();
  const runtime = await createRuntime(config, { now, fetch: fetchWithLatency, onRequest: (info) => onRequest.forEach((f) => f(info)) });
  runtime.ctx.settings.concurrency = concurrency;
  const { db, keys } = runtime.db;
  const setupStarted = performance.now();
  for (let i = 0; i < n; i++) {
    const s = seeded.participants[i];
    const tokens = { ...s.tokens, expiresAt: new Date(s.tokens.expiresAt) };
    const p = await createParticipant(db, { name: `p${i}`, timeZone: s.timeZone, enrollmentStart: "2026-11-20", status: "active", mapping: "plan", goalSteps: 10_000, stepsPerUnit: 25_000, now: start });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: s.personId, accessToken: s.weconnectToken, now: start });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", ...tokens, now: start });
    await upsertActivities(db, p.id, s.activities.map((a) => ({ weconnectActivityId: String(a.activityId), name: a.name, startsAt: new Date(a.dateStart), durationMinutes: a.duration, repeat: a.repeat, repeatEndsAt: null, modifiedAt: new Date(a.dateModified), expiresAt: null })), start);
  }
  const setupMs = Math.round(performance.now() - setupStarted);
  seeded.participants = null;
  await sims.stats();
  latency = LATENCY_MS;
  const ctx = { runtime, onRequest };
  for (const label of ["first", "second"]) console.log(JSON.stringify({ ...(await measure(ctx, sims, n, concurrency, label)), setupMs }));
  await runtime.close();
  baseFetch.close?.();
  await sims.close();
  await database.drop();
}

console.log(
  `# core maintenance bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${dialect}, transport ${transport}; ${LATENCY_MS} ms injected latency per request; simulators in a child process; goals (issue 17, second run): ≤ 2 requests and ≤ 3 SQL statements per participant, wall ≤ 1.15 × bound, CPU ≤ 1.5 ms per participant`,
);
for (const n of runs) await bench(n, flag("concurrency") ? Number(flag("concurrency")) : n >= 10_000 ? 64 : 8);
