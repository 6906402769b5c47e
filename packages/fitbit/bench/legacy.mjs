// Legacy Fitbit backend: showDay/readDay throughput against the legacy simulator, requests per
// call, and the cost of id-safe parsing. Imports from ./dist (build first). Prints, asserts nothing.
import { cpus } from "node:os";
import { createFitbitLegacyTracker, createOAuthClient, createTokenManager, fitbitOAuthProvider } from "../dist/index.js";
import { startFitbitLegacySimulator } from "../dist/simulator.js";

const TZ = "America/Chicago";
const DATE = "2026-11-25";
const sim = await startFitbitLegacySimulator({ users: [{ userId: "bench", timeZone: TZ }], rateLimitPerHour: 1e9 });
let row = { ...sim.state.issueTokens("bench"), version: 1 };
const store = { load: async () => row, save: async (_k, t, v) => (v === row.version ? (row = { ...t, version: v + 1 }) : null) };
const oauth = createOAuthClient(
  fitbitOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/cb", tokenEndpoint: `${sim.oauthUrl}/token` }),
);
const tracker = createFitbitLegacyTracker({ baseUrl: sim.url, tokens: createTokenManager({ oauth, store }) });
for (let i = 0; i < 5; i++) sim.state.addOwnWalk("bench", DATE, 1000 + i, { startTime: `0${i + 1}:00` }); // the participant's own logs
const input = { accountKey: "bench", date: DATE, timeZone: TZ, label: "bench" };

async function measure(label, n, fn) {
  for (let i = 0; i < Math.min(100, n); i++) await fn(i); // warm-up
  const requests0 = sim.requests.length;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    measure: label,
    "calls/s": Math.round(n / (ms / 1000)),
    "HTTP requests/call": ((sim.requests.length - requests0) / n).toFixed(1),
    "CPU µs/call (client+sim)": Math.round((cpu.user + cpu.system) / n),
  };
}

const rows = [];
rows.push(await measure("showDay, new value each time (GET + POST 201 + DELETE 204)", 1000, (i) => tracker.showDay({ ...input, steps: 10_000 + i })));
rows.push(await measure("showDay, unchanged value (GET only)", 2000, () => tracker.showDay({ ...input, steps: 42 })));
rows.push(await measure("readDay", 2000, () => tracker.readDay(input)));

// Id-safe parsing cost: a day summary with 100 logs through a canned fetch (no server work).
const canned = await (await fetch(`${sim.url}/1/user/-/activities/date/${DATE}.json`, { headers: { authorization: `Bearer ${row.accessToken}` } })).text();
const many = canned.replace(/"activities":\[(.*?)\],"goals"/, (_m, one) => `"activities":[${Array(20).fill(one).join(",")}],"goals"`);
const offline = createFitbitLegacyTracker({
  baseUrl: sim.url,
  tokens: { getAccessToken: async () => "t", renewAfterRejection: async () => "t" },
  fetch: async () => new Response(many, { headers: { "content-type": "application/json" } }),
});
const n = 2000;
for (let i = 0; i < 200; i++) await offline.getDaySummary("x", DATE);
const cpu0 = process.cpuUsage();
for (let i = 0; i < n; i++) await offline.getDaySummary("x", DATE);
const cpu = process.cpuUsage(cpu0);
const logs = (await offline.getDaySummary("x", DATE)).activities.length;
rows.push({ measure: `client only: parse a ${(many.length / 1024).toFixed(0)} KiB summary with ${logs} logs (quote ids + JSON + zod)`, "calls/s": "", "HTTP requests/call": "0", "CPU µs/call (client+sim)": Math.round((cpu.user + cpu.system) / n) });

await sim.close();
console.log(`@powertoken/fitbit legacy bench — Node ${process.version}, ${cpus().length} CPUs`);
console.table(rows);
