// Figures for one poll cycle against the simulators with injected latency. Prints, asserts nothing.
// Usage: node bench/run.mjs [N ...]   (default: 1000 10000). Needs `npx tsup` first (imports ./dist).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipant, saveTrackerAccount, saveWeconnectAccount, upsertActivities } from "@powertoken/db";
import { startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";
import { ConfigSchema, createRuntime, runPoll } from "../dist/index.js";

const LATENCY_MS = 50;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const runs = sizes.length > 0 ? sizes : [1000, 10000];

async function bench(n, concurrency) {
  const start = new Date("2026-11-25T15:30:00Z");
  const now = () => start;
  const weconnectSim = await startWeconnectSimulator({ now });
  const googleSim = await startGoogleHealthSimulator({ now, perUserPerMinute: 10_000 });
  const dir = mkdtempSync(join(tmpdir(), "pt-bench-"));
  let latency = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const fetchWithLatency = async (input, init) => {
    if (latency > 0) await sleep(latency);
    return globalThis.fetch(input, init);
  };
  const config = ConfigSchema.parse({
    database: { url: join(dir, "bench.sqlite") },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: weconnectSim.url },
    googleHealth: { apiUrl: googleSim.url, tokenUrl: `${googleSim.oauthUrl}/token`, revocationUrl: `${googleSim.oauthUrl}/revoke`, authorizationUrl: `${googleSim.oauthUrl}/authorize`, clientId: "sim-client", clientSecret: "sim-secret" },
    poll: { concurrency },
  });
  const runtime = await createRuntime(config, { now, fetch: fetchWithLatency });
  const { db, keys } = runtime.db;
  const zones = ["America/Chicago", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"];
  const setupStarted = performance.now();
  for (let i = 0; i < n; i++) {
    const timeZone = zones[i % zones.length];
    const person = weconnectSim.state.addPerson({ email: `p${i}@example.org`, password: "pw", timeZone });
    const acts = [0, 1, 2].map((k) =>
      weconnectSim.state.addActivity(person.id, { name: `a${k}`, dateStart: new Date(Date.UTC(2026, 10, 1, 8 + 5 * k, 0)), duration: 60, repeat: "daily" }),
    );
    if (i % 2 === 0) weconnectSim.state.checkIn(person.id, acts[0].activityId, new Date(Date.UTC(2026, 10, 25, 8, 30)));
    googleSim.state.addUser({ userId: `u${i}`, timeZone });
    const tokens = googleSim.state.issueTokens(`u${i}`);
    const p = await createParticipant(db, { name: `p${i}`, timeZone, enrollmentStart: "2026-11-20", status: "active", mapping: "plan", goalSteps: 10_000, stepsPerUnit: 25_000, now: start });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: String(person.id), accessToken: weconnectSim.state.issueToken(person.id), now: start });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", ...tokens, now: start });
    await upsertActivities(db, p.id, acts.map((a) => ({ weconnectActivityId: String(a.activityId), name: a.name, startsAt: a.dateStart, durationMinutes: a.duration, repeat: a.repeat, repeatEndsAt: null, modifiedAt: a.dateModified, expiresAt: null })), start);
  }
  const setupMs = performance.now() - setupStarted;

  latency = LATENCY_MS;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await runPoll(runtime.ctx, { all: true, concurrency });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const requests = result.requests.weconnect + result.requests.tracker;
  const boundMs = Math.ceil(requests / concurrency) * LATENCY_MS;
  console.log(
    JSON.stringify(
      {
        participants: n,
        concurrency,
        latencyMs: LATENCY_MS,
        written: result.written,
        failed: result.failed,
        failuresByCode: result.failuresByCode,
        wallMs: Math.round(wallMs),
        boundMs,
        wallOverBound: Number((wallMs / boundMs).toFixed(2)),
        requestsPerParticipant: { weconnect: Number((result.requests.weconnect / n).toFixed(2)), tracker: Number((result.requests.tracker / n).toFixed(2)) },
        cpuMsPerParticipantPoll: Number(((cpu.user + cpu.system) / 1000 / n).toFixed(2)),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        setupMs: Math.round(setupMs),
        loadAverage1m: Number(loadavg()[0].toFixed(1)),
      },
      null,
      0,
    ),
  );
  await runtime.close();
  await weconnectSim.close();
  await googleSim.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`# core poll bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}; simulators and SQLite in this process (their CPU is included)`);
for (const n of runs) await bench(n, n >= 10_000 ? 64 : 8);
