// Benchmarks of the daemon's own overhead (no core): prints figures, asserts nothing.
// Run: node scripts/pnpm.mjs --filter @powertoken/daemon run bench  (after `npx tsup`)
// The daemon ships only the bin, so this drives the HTTP endpoint of a running built daemon
// when BENCH_URL is set, else measures a scrape of an in-process registry of equal shape.
import { performance } from "node:perf_hooks";
import { Counter, Histogram, Registry } from "prom-client";

const registry = new Registry();
const runs = new Counter({ name: "powertoken_runs_total", help: "x", labelNames: ["job", "outcome"], registers: [registry] });
const hist = new Histogram({ name: "powertoken_run_duration_seconds", help: "x", labelNames: ["job"], buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 900, 1800], registers: [registry] });
const failures = new Counter({ name: "powertoken_participant_failures_total", help: "x", labelNames: ["job", "code"], registers: [registry] });

const N = 100_000;
let t = performance.now();
for (let i = 0; i < N; i++) {
  runs.inc({ job: i % 2 ? "poll" : "maintenance", outcome: "ok" });
  hist.observe({ job: "poll" }, (i % 600) / 10);
  failures.inc({ job: "poll", code: ["NETWORK", "UNAUTHORIZED", "RATE_LIMITED"][i % 3] });
}
const recordNs = ((performance.now() - t) * 1e6) / N;
console.log(`record one run (3 metric updates): ${recordNs.toFixed(0)} ns`);

t = performance.now();
const SCRAPES = 2000;
for (let i = 0; i < SCRAPES; i++) await registry.metrics();
console.log(`render /metrics body: ${(((performance.now() - t) * 1000) / SCRAPES).toFixed(1)} µs`);

if (process.env.BENCH_URL) {
  t = performance.now();
  for (let i = 0; i < 500; i++) await (await fetch(`${process.env.BENCH_URL}/metrics`)).text();
  console.log(`GET /metrics over loopback: ${((performance.now() - t) / 500).toFixed(2)} ms`);
}
