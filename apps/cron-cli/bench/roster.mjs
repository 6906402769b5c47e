// Issue 15: time and peak RSS of `participants import` with a large roster (default 300,000 rows,
// about 10 MB). Prints figures, asserts nothing. ROWS=50000 node bench/roster.mjs for a shorter run.
// NODE_FLAGS="--max-old-space-size=192" runs the import under a heap ceiling, as `powertoken crontab`'s lines do.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const preload = fileURLToPath(new URL("./_max-rss.cjs", import.meta.url));
const rows = Number(process.env.ROWS ?? 300_000);
const nodeFlags = (process.env.NODE_FLAGS ?? "").split(" ").filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), "powertoken-roster-bench-"));
const env = { PATH: process.env.PATH, NO_COLOR: "1" };
try {
  const init = spawnSync(process.execPath, [cli, "init", "--time-zone", "UTC"], { cwd: dir, encoding: "utf8", env });
  if (init.status !== 0) throw new Error(`init: ${init.stderr}`);
  const lines = ["name,timeZone,mapping,goalSteps,enrollmentStart"];
  for (let i = 0; i < rows; i++) lines.push(`participant-${String(i).padStart(6, "0")},America/Chicago,plan,10000,2026-12-01`);
  writeFileSync(join(dir, "roster.csv"), `${lines.join("\n")}\n`);
  const bytes = statSync(join(dir, "roster.csv")).size;
  const started = performance.now();
  const run = spawnSync(process.execPath, [...nodeFlags, "-r", preload, cli, "participants", "import", "roster.csv", "--json"], { cwd: dir, encoding: "utf8", env, maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/MAX_RSS_KB=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
  const cpu = Number(/CPU_US=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1e6;
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(`participants import${nodeFlags.length > 0 ? ` (node ${nodeFlags.join(" ")})` : ""}: ${rows} rows (${(bytes / 1e6).toFixed(1)} MB), exit ${run.status}, ${seconds.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, peak RSS ${rss.toFixed(0)} MB (load average ${load})`);
  if (run.status !== 0) console.log(run.stderr.slice(0, 2000));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
