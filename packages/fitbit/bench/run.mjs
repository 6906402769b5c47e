// showDay throughput against the Google Health simulator, and client CPU per call. Prints, asserts nothing.
import { createGoogleHealthTracker, createOAuthClient, createTokenManager, googleOAuthProvider } from "../dist/index.js";
import { startGoogleHealthSimulator } from "../dist/simulator.js";

const sim = await startGoogleHealthSimulator({ users: [{ userId: "bench", timeZone: "Europe/Berlin" }], perUserPerMinute: 1e9 });
const minted = sim.state.issueTokens("bench");
let row = { ...minted, version: 1 };
const store = { load: async () => row, save: async (_k, t, v) => (v === row.version ? (row = { ...t, version: v + 1 }) : null) };
const oauth = createOAuthClient(googleOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/cb", tokenEndpoint: `${sim.oauthUrl}/token` }));
const tracker = createGoogleHealthTracker({ baseUrl: sim.url, tokens: createTokenManager({ oauth, store }) });

const input = { accountKey: "bench", date: "2026-11-25", timeZone: "Europe/Berlin", steps: 0, label: "bench" };
const first = await tracker.showDay(input);
for (let i = 0; i < 200; i++) await tracker.showDay({ ...input, steps: i, knownEntryId: first.entryId }); // warm-up

const n = 2000;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i++) await tracker.showDay({ ...input, steps: i, knownEntryId: first.entryId });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(`showDay (steady state, PATCH): ${(n / (ms / 1000)).toFixed(0)} calls/s over ${n} calls`);
console.log(`process CPU per call (client + in-process simulator): ${((cpu.user + cpu.system) / n).toFixed(0)} µs`);

const c = 500;
const t1 = performance.now();
await Promise.all(Array.from({ length: c }, (_, i) => tracker.showDay({ ...input, accountKey: "bench", steps: i, knownEntryId: first.entryId })));
console.log(`showDay, ${c} concurrent: ${(c / ((performance.now() - t1) / 1000)).toFixed(0)} calls/s`);

// OAuth client alone: one refresh_token grant per call against the simulator's token endpoint.
const refreshes = 300;
for (let i = 0; i < 30; i++) await oauth.refresh(minted.refreshToken); // warm-up
const cpu2 = process.cpuUsage();
const t2 = performance.now();
for (let i = 0; i < refreshes; i++) await oauth.refresh(minted.refreshToken);
const cpuR = process.cpuUsage(cpu2);
console.log(`OAuth refresh: ${(refreshes / ((performance.now() - t2) / 1000)).toFixed(0)} calls/s, process CPU per call (client + in-process simulator): ${((cpuR.user + cpuR.system) / refreshes).toFixed(0)} µs`);
await sim.close();

await import("./client-only.mjs");
await import("./legacy.mjs");
