// Summarises a .cpuprofile (from BENCH_CPU_PROF) by self time: per package (node_modules name,
// our @powertoken packages, node: internals, GC) and the top functions. Prints, asserts nothing.
// Usage: node bench/profile-summary.mjs file.cpuprofile [topN]
import { readFileSync } from "node:fs";

const [file, top = "25"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/profile-summary.mjs file.cpuprofile [topN]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}

function packageOf(url, fn) {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pnpm) return pnpm[1];
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  const ours = url.match(/\/(packages|apps)\/([^/]+)\//);
  if (ours) return `@powertoken/${ours[2]}`;
  return url.replace(/^file:\/\//, "");
}

const packages = new Map();
const functions = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = functionName || "(anonymous)";
  const pkg = packageOf(url, fn);
  if (fn !== "(idle)") total += us;
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  const key = `${pkg} ${fn}${url ? `:${lineNumber + 1}` : ""}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const idle = packages.get("(idle)") ?? 0;
packages.delete("(idle)");
functions.delete("(idle) (idle)");
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms`;
console.log(`# ${file}: ${(total / 1000).toFixed(0)} ms busy (percentages of it), ${(idle / 1000).toFixed(0)} ms idle`);
console.log("## self time by package");
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(v)}  ${k}`);
console.log(`## top ${top} functions by self time`);
for (const [k, v] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${pct(v)}  ${k}`);
