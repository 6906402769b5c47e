// Figures for one poll cycle against the simulators with injected latency. Prints, asserts nothing.
// Usage: node bench/run.mjs [N ...]   (default: 1000 10000). Needs `npx tsup` first (imports ./dist).
// The simulators run in a child process (bench/simulators.mjs), so CPU ms and peak RSS below are
// PowerToken's own (this process: core, clients, SQLite); the simulators' CPU is printed apart.
// BENCH_CPU_PROF=out.cpuprofile profiles this process during the poll only (open in Chrome DevTools).
import { fork } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { createParticipant, saveTrackerAccount, saveWeconnectAccount, upsertActivities } from "@powertoken/db";
import { ConfigSchema, createRuntime, runPoll } from "../dist/index.js";

const LATENCY_MS = 50;
const args = process.argv.slice(2);
const concurrencyArg = args.find((a) => a.startsWith("--concurrency="));
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
  const fetchWithLatency = async (input, init) => {
    if (latency > 0) await sleep(latency);
    return globalThis.fetch(input, init);
  };
  const googleOauth = seeded.googleOauthUrl;
  const config = ConfigSchema.parse({
    database: { url: join(dir, "bench.sqlite") },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: seeded.weconnectUrl },
    googleHealth: { apiUrl: seeded.googleUrl, tokenUrl: `${googleOauth}/token`, revocationUrl: `${googleOauth}/revoke`, authorizationUrl: `${googleOauth}/authorize`, clientId: "sim-client", clientSecret: "sim-secret" },
    poll: { concurrency },
  });
  const runtime = await createRuntime(config, { now, fetch: fetchWithLatency });
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
  const setupMs = performance.now() - setupStarted;
  seeded.participants = null;
  await sims.stats(); // warms the IPC path; the simulators' CPU counts from "ready"

  latency = LATENCY_MS;
  const simBefore = await sims.stats();
  const profiler = process.env.BENCH_CPU_PROF ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runPoll(runtime.ctx, { all: true, concurrency });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const simAfter = await sims.stats();
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(`${process.env.BENCH_CPU_PROF}`, JSON.stringify(profile));
    profiler.disconnect();
  }
  const requests = result.requests.weconnect + result.requests.tracker;
  const boundMs = Math.ceil(requests / concurrency) * LATENCY_MS;
  console.log(
    JSON.stringify(
      {
        participants: n,
        concurrency,
        latencyMs: LATENCY_MS,
        written: result.written,
        unchanged: result.unchanged,
        failed: result.failed,
        failuresByCode: result.failuresByCode,
        wallMs: Math.round(wallMs),
        boundMs,
        wallOverBound: Number((wallMs / boundMs).toFixed(2)),
        requestsPerParticipant: { weconnect: Number((result.requests.weconnect / n).toFixed(2)), tracker: Number((result.requests.tracker / n).toFixed(2)) },
        cpuMsPerParticipantPoll: Number(((cpu.user + cpu.system) / 1000 / n).toFixed(2)),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        simulatorsCpuMsPerParticipantPoll: Number(((simAfter.cpuMs - simBefore.cpuMs) / n).toFixed(2)),
        setupMs: Math.round(setupMs),
        loadAverage1m: Number(loadavg()[0].toFixed(1)),
      },
      null,
      0,
    ),
  );
  await runtime.close();
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`# core poll bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}; simulators in a child process (their CPU is not in cpuMs/RSS), SQLite in this process`);
for (const n of runs) await bench(n, concurrencyArg ? Number(concurrencyArg.split("=")[1]) : n >= 10_000 ? 64 : 8);
