// Client CPU per showDay with an in-memory fetch (no sockets, no simulator): what the HTTP layer
// and the tracker cost on their own. Prints, asserts nothing.
import { createGoogleHealthTracker } from "../dist/index.js";

const body = JSON.stringify({ done: true, response: { name: "users/me/dataTypes/exercise/dataPoints/x", exercise: { interval: { startTime: "2026-11-25T00:00:00Z", endTime: "2026-11-25T00:01:00Z" }, displayName: "b", metricsSummary: { steps: "1" } } } });
const fetch = async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
const tokens = { getAccessToken: async () => "bench-token", renewAfterRejection: async () => "bench-token" };
const tracker = createGoogleHealthTracker({ baseUrl: "http://127.0.0.1:9", tokens, fetch });
const input = { accountKey: "bench", date: "2026-11-25", timeZone: "Europe/Berlin", steps: 1, label: "bench" };
const first = await tracker.showDay(input);
for (let i = 0; i < 2000; i++) await tracker.showDay({ ...input, steps: i + 1, knownEntryId: first.entryId });
const n = 20_000;
const cpu0 = process.cpuUsage();
for (let i = 0; i < n; i++) await tracker.showDay({ ...input, steps: i + 1, knownEntryId: first.entryId });
const cpu = process.cpuUsage(cpu0);
console.log(`client only: showDay (one PATCH, in-memory fetch): ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU per call`);
