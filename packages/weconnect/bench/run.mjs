// Benchmark: simulator throughput for activities-with-events, and client CPU time per call.
// Imports from ./dist (run `pnpm run build` first), or from BENCH_DIST (an absolute dist folder of
// another build, to compare). BENCH_PEOPLE (default 100) sizes the in-process runs and
// BENCH_SIM_PEOPLE (default 10,000) the simulator in a child process. Prints figures, asserts nothing.
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { driveSimulator } from "./drive-sim.mjs";

const DIST = process.env.BENCH_DIST ?? fileURLToPath(new URL("../dist", import.meta.url));
const SIM_PEOPLE = Number(process.env.BENCH_SIM_PEOPLE ?? 10_000);
const { createWeconnectClient, localDayWindow } = await import(`${DIST}/index.js`);
const { startWeconnectSimulator } = await import(`${DIST}/simulator.js`);

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100);
const CONCURRENCY = 16;
const DURATION_MS = 3_000;
const SEQUENTIAL_CALLS = 500;

const people = Array.from({ length: PEOPLE }, (_, i) => ({
  email: `p${i}@example.org`,
  password: `pw-${i}`,
  timeZone: i % 2 ? "America/Chicago" : "Pacific/Auckland",
  activities: [
    { name: "Morning meeting", dateStart: "2026-01-05T14:00:00.000Z", duration: 60, repeat: "daily" },
    { name: "Walk", dateStart: "2026-02-01T18:00:00.000Z", duration: 30, repeat: "daily", repeatEnd: "2027-01-01T00:00:00.000Z" },
    { name: "Group", dateStart: "2026-01-07T23:30:00.000Z", duration: 90, repeat: "weekly" },
    { name: "Sponsor call", dateStart: "2026-01-09T01:00:00.000Z", duration: 30, repeat: "weekly" },
  ],
  checkIns: [{ activity: "Morning meeting", date: "2026-11-24" }],
}));

const now = () => new Date("2026-11-25T17:00:00.000Z");
const sim = await startWeconnectSimulator({ seed: { people }, now });
const client = createWeconnectClient({ baseUrl: sim.url });
// Tokens minted in state: 10,000 simultaneous logins would measure the login queue, not a poll.
const sessions = [...sim.state.people.values()].map((p) => ({ personId: p.id, token: sim.state.issueToken(p.id) }));
const window = localDayWindow("America/Chicago", "2026-11-24");

// 1. Requests/s served: CONCURRENCY loops of client calls for DURATION_MS.
let served = 0;
const deadline = performance.now() + DURATION_MS;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let i = w; performance.now() < deadline; i += CONCURRENCY) {
      await client.listActivitiesWithEvents(sessions[i % PEOPLE], window);
      served++;
    }
  }),
);
const elapsedS = (performance.now() - started) / 1000;

// 2. Client CPU per call: the client's own work (URL, fetch, JSON, zod) measured in a loop where
// the simulator answers in-process through an injected fetch, so server CPU is not counted.
const { createWeconnectHandler } = await import(`${DIST}/simulator.js`);
const handler = createWeconnectHandler(sim.state);
const canned = await (await handler(new Request(`${sim.url}/People/${sessions[0].personId}/activities-with-events?access_token=${sessions[0].token}&from=${window.from.toISOString()}&to=${window.to.toISOString()}`))).text();
const cpuClient = createWeconnectClient({
  baseUrl: sim.url,
  fetch: async () => new Response(canned, { headers: { "content-type": "application/json" } }),
});
for (let i = 0; i < 50; i++) await cpuClient.listActivitiesWithEvents(sessions[0], window); // warm up
const cpu0 = process.cpuUsage();
for (let i = 0; i < SEQUENTIAL_CALLS; i++) await cpuClient.listActivitiesWithEvents(sessions[0], window);
const cpuCanned = process.cpuUsage(cpu0);

// 3. Same, over real loopback HTTP (client + simulator share this process, so this is both).
const cpu1 = process.cpuUsage();
const wall1 = performance.now();
for (let i = 0; i < SEQUENTIAL_CALLS; i++) await client.listActivitiesWithEvents(sessions[i % PEOPLE], window);
const cpuHttp = process.cpuUsage(cpu1);
const wallHttp = performance.now() - wall1;

await sim.close();

// 4. Baseline for context: the same fetch loop against a node:http server answering "[]".
const plain = createServer((_req, res) => res.setHeader("content-type", "application/json").end("[]"));
await new Promise((resolve) => plain.listen(0, "127.0.0.1", resolve));
const plainUrl = `http://127.0.0.1:${plain.address().port}/`;
let plainServed = 0;
const plainDeadline = performance.now() + DURATION_MS;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < plainDeadline) {
      await (await fetch(plainUrl)).text();
      plainServed++;
    }
  }),
);
plain.closeAllConnections();
plain.close();

// 5. The simulator alone: SIM_PEOPLE participants in a child process, loaded by a cheap keep-alive
// node:http driver here; its own CPU per request comes from the child's process.cpuUsage().
const windowQs = `from=${window.from.toISOString()}&to=${window.to.toISOString()}`;
const child = await driveSimulator({
  distDir: DIST,
  people: SIM_PEOPLE,
  concurrency: CONCURRENCY,
  durationMs: DURATION_MS,
  pathOf: (s) => `/People/${s.personId}/activities-with-events?access_token=${s.token}&${windowQs}`,
});

const us = (u) => ((u.user + u.system) / SEQUENTIAL_CALLS).toFixed(0);
console.log(
  `@powertoken/weconnect bench — Node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}, ` +
    `${PEOPLE} participants × 4 activities, dist ${DIST}`,
);
console.table([
  { measure: `simulator: activities-with-events, ${CONCURRENCY} concurrent`, value: `${(served / elapsedS).toFixed(0)} req/s (${served} in ${elapsedS.toFixed(1)} s)` },
  { measure: `baseline: fetch → bare node:http "[]", ${CONCURRENCY} concurrent`, value: `${(plainServed / (DURATION_MS / 1000)).toFixed(0)} req/s` },
  { measure: "client CPU per call, canned body (URL + fetch + JSON + zod)", value: `${us(cpuCanned)} µs/call` },
  { measure: "client + simulator CPU per call over loopback HTTP", value: `${us(cpuHttp)} µs/call` },
  { measure: "sequential latency over loopback HTTP", value: `${((wallHttp / SEQUENTIAL_CALLS) * 1000).toFixed(0)} µs/call` },
  { measure: `simulator alone, ${SIM_PEOPLE} participants (child process), ${CONCURRENCY} concurrent`, value: `${child.reqPerS.toFixed(0)} req/s, ${child.cpuUsPerReq.toFixed(0)} µs CPU/req` },
]);
