// Figures for the CLI: start-up time of a few commands and the demo's wall time. Asserts nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "powertoken-bench-"));
const run = (args) => {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, NO_COLOR: "1" } });
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return performance.now() - started;
};
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

run(["init", "--time-zone", "UTC"]);
for (let i = 0; i < 50; i++) run(["participants", "add", `p${i}`]);
for (const args of [["--help"], ["config", "--json"], ["participants", "list", "--json"], ["status", "--json"]]) {
  const times = Array.from({ length: 7 }, () => run(args));
  console.log(`${args.join(" ").padEnd(28)} median ${median(times).toFixed(0)} ms (7 runs, 50 participants)`);
}
console.log(`${"demo".padEnd(28)} ${run(["demo"]).toFixed(0)} ms (137 polls, 3 participants, google-health simulator)`);
rmSync(dir, { recursive: true, force: true });
