// One PowerToken job in a process of its own, forked by bench/scale.mjs for each run, so its peak
// RSS (process.resourceUsage().maxRSS) and CPU are PowerToken's alone: the driver's seeding and
// the simulators live in other processes.
// Protocol over IPC: parent → { type: "run", job, databaseUrl, schema?, encryptionKey, weconnectUrl,
//   encryptionKeyId, googleUrl, googleOauthUrl, now, concurrency, latencyMs, transport, pollAll }
//   child → { type: "done", ... figures } or { type: "error", message }, then exits.
import { countStatements } from "./count-statements.mjs";
import { ConfigSchema, createNodeHttpFetch, createRuntime, runMaintenance, runPoll } from "../dist/index.js";

// SQL statements counted at the drivers (count-statements.mjs).
const statements = countStatements();

async function run(m) {
  const at = new Date(m.now);
  const baseFetch = m.transport === "node-http" ? createNodeHttpFetch() : globalThis.fetch;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // The latency stands for the network: the simulators on loopback answer in well under a millisecond.
  const fetchWithLatency = async (input, init) => {
    await sleep(m.latencyMs);
    return baseFetch(input, init);
  };
  const config = ConfigSchema.parse({
    database: { url: m.databaseUrl, ...(m.schema ? { schema: m.schema } : {}) },
    encryption: { key: m.encryptionKey, keyId: m.encryptionKeyId },
    weconnect: { baseUrl: m.weconnectUrl },
    googleHealth: {
      apiUrl: m.googleUrl,
      tokenUrl: `${m.googleOauthUrl}/token`,
      revocationUrl: `${m.googleOauthUrl}/revoke`,
      authorizationUrl: `${m.googleOauthUrl}/authorize`,
      clientId: "sim-client",
      clientSecret: "sim-secret",
    },
    poll: { concurrency: m.concurrency },
  });
  const requests = {};
  const runtime = await createRuntime(config, {
    now: () => at,
    fetch: fetchWithLatency,
    // Migrates when db gained a migration after the seeding (others commit while a 100,000 run lasts); before the measured part.
    migrate: true,
    create: false,
    onRequest: (info) => {
      requests[info.api] = (requests[info.api] ?? 0) + 1;
    },
  });
  runtime.ctx.settings.concurrency = m.concurrency;
  const rssBeforeMb = Math.round(process.resourceUsage().maxRSS / 1024);
  for (const key of Object.keys(requests)) delete requests[key];
  // Where the peak RSS sits: V8's heap (JavaScript objects) or outside it (buffers, SQLite, sockets).
  const peak = { heapUsed: 0, heapTotal: 0, external: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.external = Math.max(peak.external, m.external + m.arrayBuffers);
  };
  const sampler = setInterval(sample, 250);
  const statementsBefore = statements();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = m.job === "poll" ? await runPoll(runtime.ctx, { all: m.pollAll, concurrency: m.concurrency, outcomes: m.outcomes }) : await runMaintenance(runtime.ctx, { outcomes: m.outcomes });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const sql = statements() - statementsBefore;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  clearInterval(sampler);
  sample();
  // The heap still reachable after the job with its result held (the driver forks this with --expose-gc).
  globalThis.gc?.();
  const mb = (bytes) => Math.round(bytes / 1048576);
  const memory = { peakHeapUsedMb: mb(peak.heapUsed), peakHeapTotalMb: mb(peak.heapTotal), peakExternalMb: mb(peak.external), heapAfterJobWithResultMb: mb(process.memoryUsage().heapUsed), outcomesInResult: result.participants.length };
  await runtime.close();
  baseFetch.close?.();
  const { participants: _perParticipant, startedAt: _s, finishedAt: _f, ...summary } = result;
  return { type: "done", summary, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, requests, sqlStatements: sql, peakRssMb, rssBeforeJobMb: rssBeforeMb, memory };
}

process.once("message", (message) => {
  run(message).then(
    (figures) => process.send(figures, () => process.disconnect()),
    (error) => process.send({ type: "error", message: `${error?.code ?? ""} ${error?.message ?? String(error)}`.trim() }, () => process.disconnect()),
  );
});
