// Quota budgeting figures (issue 15 item 5). Prints, asserts nothing.
//   node bench/quota.mjs            (PARTICIPANTS=10000 BUDGET=1200 CALLS=50000 to change the sizes)
// A: a study's poll worth of request starts (2 WEconnect reads per participant) through a
//    budget on a fake clock: the busiest minute, how long the run must last, the limiter's CPU.
// B: what the gate costs per request when no budget is set (the default), against calling the
//    same transport directly; the transport answers at once so only the gate is measured.
import { createQuota, createSlidingWindow } from "../dist/index.js";

const participants = Number(process.env.PARTICIPANTS ?? 10_000);
const budgetPerMinute = Number(process.env.BUDGET ?? 1_200);
const calls = Number(process.env.CALLS ?? 50_000);
const cpuMs = (start) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};

// A
{
  let t = 0;
  // A wait moves the fake clock to its end once the callers already served have run.
  const clock = {
    now: () => t,
    sleep: (ms) => {
      const end = t + ms;
      return new Promise((resolve) => setImmediate(() => ((t = Math.max(t, end)), resolve())));
    },
  };
  const window = createSlidingWindow({ limit: budgetPerMinute, clock });
  const starts = [];
  const cpu = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < participants) {
      next += 1;
      await Promise.all([window.acquire().then(() => starts.push(t)), window.acquire().then(() => starts.push(t))]);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const used = cpuMs(cpu);
  starts.sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < starts.length; i += 1) {
    while (starts[i] - starts[j] >= 60_000) j += 1;
    busiest = Math.max(busiest, i - j + 1);
  }
  console.log(`A: ${participants} participants, ${starts.length} starts, budget ${budgetPerMinute}/min: busiest minute ${busiest}, run spans ${(starts.at(-1) / 60_000).toFixed(1)} fake minutes, limiter CPU ${used.toFixed(0)} ms (${((used * 1000) / starts.length).toFixed(1)} µs per start)`);
}

// B
{
  const reply = () => Promise.resolve(new Response(null, { status: 204 }));
  const direct = async () => {
    for (let i = 0; i < calls; i += 1) await reply("http://127.0.0.1:1/api/x", { signal: AbortSignal.timeout(10_000) });
  };
  const quota = createQuota();
  const gated = quota.gate("weconnect", reply);
  const viaGate = () =>
    quota.runAs({ participantId: 1 }, async () => {
      for (let i = 0; i < calls; i += 1) await gated("http://127.0.0.1:1/api/x", { signal: AbortSignal.timeout(10_000) });
    });
  await direct(); // warm-up
  let cpu = process.cpuUsage();
  await direct();
  const d = cpuMs(cpu);
  await viaGate(); // warm-up
  cpu = process.cpuUsage();
  await viaGate();
  const g = cpuMs(cpu);
  // AsyncLocalStorage, once used, may tax every promise of the process (Node 20): time the direct calls again.
  cpu = process.cpuUsage();
  await direct();
  const after = cpuMs(cpu);
  console.log(`B': the same direct calls after the gate has been used: ${((after * 1000) / calls).toFixed(2)} µs CPU per call`);
  console.log(`B: ${calls} calls, no budget: direct ${((d * 1000) / calls).toFixed(2)} µs CPU per call, through the gate ${((g * 1000) / calls).toFixed(2)} µs (+${(((g - d) * 1000) / calls).toFixed(2)} µs)`);
}
