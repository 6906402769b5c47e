// CPU per WEconnect request of this process with Node's fetch (undici) and with createNodeHttpFetch,
// measured alternately against the simulator in a child process (issue 17, target 5). Prints, asserts nothing.
// Usage: node bench/transport.mjs [requests] [rounds]   (default 4000 requests, 3 rounds; concurrency 64)
import { fork } from "node:child_process";
import { once } from "node:events";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { createWeconnectClient } from "@powertoken/weconnect";
import { createNodeHttpFetch } from "../dist/index.js";

const [requests = 4000, rounds = 3] = process.argv.slice(2).map(Number);
const CONCURRENCY = 64;
const child = fork(fileURLToPath(new URL("./simulators.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
const reply = once(child, "message");
child.send({ type: "start", n: 64, now: new Date("2026-11-25T15:30:00Z").toISOString() });
const [ready] = await reply;
const sessions = ready.participants.map((p) => ({ personId: Number(p.personId), token: p.weconnectToken }));

async function measure(name, fetch) {
  const client = createWeconnectClient({ baseUrl: ready.weconnectUrl, fetch });
  let next = 0;
  const worker = async () => {
    while (next < requests) await client.listActivities(sessions[next++ % sessions.length]);
  };
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(cpu);
  return { transport: name, requests, cpuMsPerRequest: Number(((used.user + used.system) / 1000 / requests).toFixed(3)), wallMs: Math.round(performance.now() - t0), loadAverage1m: Number(loadavg()[0].toFixed(1)) };
}

const lean = createNodeHttpFetch();
await measure("warm-up", globalThis.fetch);
await measure("warm-up", lean);
for (let r = 0; r < rounds; r++) {
  console.log(JSON.stringify(await measure("fetch", globalThis.fetch)));
  console.log(JSON.stringify(await measure("node-http", lean)));
}
lean.close();
child.send({ type: "close" });
await once(child, "exit");
