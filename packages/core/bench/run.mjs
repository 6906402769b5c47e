// Figures for two poll cycles against the simulators with injected latency: the first writes every
// participant's tracker (no day row yet), the second finds every one unchanged. Prints, asserts nothing.
// Usage: node bench/run.mjs [N ...] [--concurrency=C] [--pg] [--fetch=undici] [--owner=ID]
//   default sizes 1000 10000; concurrency 8 below 10,000, else 64. Needs `npx tsup` first (imports ./dist).
//   --pg: PostgreSQL at DATABASE_URL (default postgres://root@127.0.0.1:5432/test), in a fresh schema
//   dropped afterwards, pool size 10 (the config's default; --pool=N to change); otherwise a SQLite temp file.
//   --fetch=undici: Node's fetch instead of createNodeHttpFetch (the runtime's transport).
//   --owner=ID: poll as a replica does (row leases claimed in batches, as the daemon on PostgreSQL).
// The simulators run in a child process (bench/simulators.mjs), so CPU ms and peak RSS below are
// PowerToken's own (this process: core, clients, SQLite); the simulators' CPU is printed apart.
// Latency bound: ceil(participants / concurrency) × round trips one participant needs in sequence ×
// latency. A written participant needs 2 (WEconnect's day and week reads go out together, then the
// tracker write), an unchanged one 1; a token refresh or a retry would add more (none here).
// Run with `node --expose-gc` to start each poll's RSS sampling from a collected heap.
// BENCH_CPU_PROF=out.cpuprofile profiles this process during the first (writing) poll only, and
// BENCH_CPU_PROF_UNCHANGED=other.cpuprofile the second (unchanged) one;
// summarise either with `node bench/profile-summary.mjs out.cpuprofile`.
import { fork } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { seedMaintenanceParticipants } from "./maintenance.mjs";
import { ConfigSchema, createNodeHttpFetch, createRuntime, runPoll } from "../dist/index.js";

const LATENCY_MS = 50;
const args = process.argv.slice(2);
const concurrencyArg = args.find((a) => a.startsWith("--concurrency="));
const poolArg = args.find((a) => a.startsWith("--pool="));
const usePg = args.includes("--pg");
const ownerArg = args.find((a) => a.startsWith("--owner="));
const owner = ownerArg ? ownerArg.slice("--owner=".length) : undefined;
const useUndici = args.includes("--fetch=undici");
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const POOL_SIZE = poolArg ? Number(poolArg.split("=")[1]) : 10;
const sizes = args.filter((a) => !a.startsWith("--")).map(Number).filter((n) => n > 0);
const runs = sizes.length > 0 ? sizes : [1000, 10000];

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

async function bench(n, concurrency) {
  const start = new Date("2026-11-25T15:30:00Z");
  const now = () => start;
  const sims = startSimulators(n, start);
  const seeded = await sims.ready;
  const dir = mkdtempSync(join(tmpdir(), "pt-bench-"));
  let latency = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const transport = useUndici ? globalThis.fetch : createNodeHttpFetch();
  const fetchWithLatency = async (input, init) => {
    if (latency > 0) await sleep(latency);
    return transport(input, init);
  };
  const googleOauth = seeded.googleOauthUrl;
  const schema = `bench_poll_${process.pid}_${n}`;
  const config = ConfigSchema.parse({
    database: usePg ? { url: DATABASE_URL, schema, poolSize: POOL_SIZE } : { url: join(dir, "bench.sqlite") },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: seeded.weconnectUrl },
    googleHealth: { apiUrl: seeded.googleUrl, tokenUrl: `${googleOauth}/token`, revocationUrl: `${googleOauth}/revoke`, authorizationUrl: `${googleOauth}/authorize`, clientId: "sim-client", clientSecret: "sim-secret" },
    poll: { concurrency },
  });
  const runtime = await createRuntime(config, { now, fetch: fetchWithLatency });
  const { db, keys } = runtime.db;
  // Seeded in batches through db's bulk insert (maintenance.mjs's seeding: the same participants).
  const setupMs = await seedMaintenanceParticipants(db, keys, seeded.participants, start);
  seeded.participants = null;
  await sims.stats(); // warms the IPC path; the simulators' CPU counts from "ready"

  latency = LATENCY_MS;
  const written = await measurePoll(runtime, sims, n, concurrency, process.env.BENCH_CPU_PROF);
  const unchanged = await measurePoll(runtime, sims, n, concurrency, process.env.BENCH_CPU_PROF_UNCHANGED);
  const rounds = { written: 2, unchanged: 1 };
  const line = (name, m, goalCpu) => {
    const boundMs = Math.ceil(n / concurrency) * rounds[name] * LATENCY_MS;
    return {
      poll: name,
      [name]: m.result[name],
      failed: m.result.failed,
      failuresByCode: m.result.failuresByCode,
      cpuMsPerParticipantPoll: m.cpuMsPer,
      // Of it, kernel time (socket writes and reads, loop wake-ups): what a lighter JS path cannot cut.
      cpuSystemMsPerParticipantPoll: m.cpuSystemMsPer,
      cpuGoalMs: goalCpu,
      wallMs: Math.round(m.wallMs),
      boundMs,
      wallOverBound: Number((m.wallMs / boundMs).toFixed(2)),
      wallGoal: "<= 1.15 (at 10,000, concurrency 64)",
      requestsPerParticipant: { weconnect: Number((m.result.requests.weconnect / n).toFixed(2)), tracker: Number((m.result.requests.tracker / n).toFixed(2)) },
      simulatorsCpuMsPerParticipantPoll: m.simCpuMsPer,
      rssMb: { beforePoll: m.rssBeforeMb, peakDuringPoll: m.peakRssMb, peakHeapUsed: m.peakHeapMb, heapAfterGc: m.heapAfterGcMb },
      loadAverage1m: m.load,
    };
  };
  console.log(JSON.stringify({ participants: n, concurrency, latencyMs: LATENCY_MS, database: usePg ? `postgres (pool ${POOL_SIZE})` : "sqlite", transport: useUndici ? "undici fetch" : "node:http", leases: owner ? `owner ${owner}` : "none", setupMs: Math.round(setupMs) }));
  console.log(JSON.stringify(line("written", written, 1.0)));
  // This run's rate is bounded by concurrency ÷ (2 round trips × latency) and by PowerToken's CPU, not by
  // PostgreSQL; the database's own capacity is packages/db/bench/run.mjs's group-commit figure.
  if (usePg) console.log(JSON.stringify({ trackerWritesPerSecondThisRun: Math.round(written.result.written / (written.wallMs / 1000)), latencyBoundPerSecond: Math.round((concurrency / (2 * LATENCY_MS)) * 1000), pgCapacity: "see packages/db/bench/run.mjs (goal >= 1,000/s)", poolSize: POOL_SIZE }));
  console.log(JSON.stringify(line("unchanged", unchanged, 0.5)));
  console.log(JSON.stringify({ peakRssMbWholeProcess: Math.round(process.resourceUsage().maxRSS / 1024), note: "seeding included; the poll's own peak is rssMb.peakDuringPoll", rssGoal: "flat in N (<= 200 MB at 100,000; bench/scale.mjs)" }));
  if (!useUndici) transport.close();
  if (usePg) await db.schema.dropSchema(schema).ifExists().cascade().execute();
  await runtime.close();
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}

async function measurePoll(runtime, sims, n, concurrency, profilePath) {
  const simBefore = await sims.stats();
  const profiler = profilePath ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  // maxRSS is the process's high-water mark, seeding included; sample the poll's own RSS (cheap:
  // process.memoryUsage() walks the heap and showed up in profiles) and, once a second, the heap.
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  let peakHeap = 0;
  let ticks = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (ticks++ % 10 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 100);
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runPoll(runtime.ctx, { all: true, concurrency, ...(owner ? { owner } : {}) });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  // What the run still holds once garbage is collected (its result included): flat in N or not.
  global.gc?.();
  const heapAfterGc = global.gc ? process.memoryUsage().heapUsed : null;
  const simAfter = await sims.stats();
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profilePath, JSON.stringify(profile));
    profiler.disconnect();
  }
  return {
    result,
    wallMs,
    cpuMsPer: Number(((cpu.user + cpu.system) / 1000 / n).toFixed(2)),
    cpuSystemMsPer: Number((cpu.system / 1000 / n).toFixed(2)),
    simCpuMsPer: Number(((simAfter.cpuMs - simBefore.cpuMs) / n).toFixed(2)),
    load: Number(loadavg()[0].toFixed(1)),
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    peakHeapMb: Math.round(peakHeap / 2 ** 20),
    heapAfterGcMb: heapAfterGc === null ? null : Math.round(heapAfterGc / 2 ** 20),
  };
}

console.log(`# core poll bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}; simulators in a child process (their CPU is not in cpuMs/RSS), SQLite in this process`);
for (const n of runs) await bench(n, concurrencyArg ? Number(concurrencyArg.split("=")[1]) : n >= 10_000 ? 64 : 8);
