// Client CPU per call, this build against another (e.g. a build of an older commit), in one
// process and interleaved so machine load hits both alike. Usage:
//   node bench/compare-client.mjs /abs/path/to/other/dist
// The fetch is injected and answers a canned activities-with-events body, so only the client's
// own work (URL, fetch plumbing, JSON, zod) is measured. Prints medians, asserts nothing.
import { fileURLToPath } from "node:url";

const ROUNDS = 9;
const CALLS = 400;
const dists = { "this build": fileURLToPath(new URL("../dist", import.meta.url)), other: process.argv[2] };
if (!dists.other) throw new Error("usage: node bench/compare-client.mjs /abs/path/to/other/dist");

const canned = JSON.stringify(
  Array.from({ length: 4 }, (_, i) => ({
    activityId: 4001 + i, userId: 1001, name: `Activity ${i}`, dateStart: "2026-01-05T14:00:00.000Z",
    duration: 60, repeat: "daily", repeatEnd: null, dateModified: "2026-01-05T14:00:00.000Z",
    events: [{ eid: `${4001 + i}-20261124`, dateStart: "2026-11-24T14:00:00.000Z", duration: 60, activityId: 4001 + i, didCheckin: i === 0 }],
  })),
);
const session = { personId: 1001, token: "t".repeat(64) };
const clients = {};
for (const [name, dir] of Object.entries(dists)) {
  const { createWeconnectClient, localDayWindow } = await import(`${dir}/index.js`);
  const client = createWeconnectClient({
    baseUrl: "http://127.0.0.1:9/api",
    fetch: async () => new Response(canned, { headers: { "content-type": "application/json" } }),
  });
  clients[name] = { client, window: localDayWindow("America/Chicago", "2026-11-24") };
  for (let i = 0; i < 100; i++) await client.listActivitiesWithEvents(session, clients[name].window); // warm up
}
const samples = Object.fromEntries(Object.keys(dists).map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, { client, window }] of Object.entries(clients)) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await client.listActivitiesWithEvents(session, window);
    const used = process.cpuUsage(cpu0);
    samples[name].push((used.user + used.system) / CALLS);
  }
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.table(
  Object.entries(samples).map(([build, xs]) => ({ build, "client CPU µs/call (median)": median(xs).toFixed(0), dist: dists[build] })),
);
