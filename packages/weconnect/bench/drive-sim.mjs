// Load a simulator running in a child process with keep-alive node:http GETs (a cheap driver, so
// the figures are the simulator's). Returns req/s and the child's CPU µs per request.
import { fork } from "node:child_process";
import { Agent, get } from "node:http";
import { fileURLToPath } from "node:url";

const child = fileURLToPath(new URL("./sim-child.mjs", import.meta.url));

/** @returns {Promise<{ reqPerS: number, cpuUsPerReq: number, served: number }>} */
export async function driveSimulator({ distDir, people, concurrency, durationMs, pathOf }) {
  const proc = fork(child, [distDir, String(people)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise((resolve) => proc.once("message", resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const fetchOnce = (url) =>
    new Promise((resolve, reject) => {
      get(url, { agent }, (res) => {
        res.resume();
        res.on("end", resolve);
      }).on("error", reject);
    });
  proc.send("start");
  let served = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < deadline; i += concurrency) {
        await fetchOnce(`${ready.url}${pathOf(ready.sessions[i % ready.sessions.length])}`);
        served++;
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const done = new Promise((resolve) => proc.once("message", resolve));
  proc.send("stop");
  const { cpuUs } = await done;
  agent.destroy();
  return { reqPerS: served / elapsedS, cpuUsPerReq: cpuUs / served, served };
}
