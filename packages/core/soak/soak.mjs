// The soak of issue 15, printed. Needs `npx tsup` in weconnect, fitbit, db and core (imports dist).
// Usage: node packages/core/soak/soak.mjs [--participants 1000] [--polls 96] [--fault-rate 0.1] [--seed 1]
//        [--db sqlite|postgres] [--legacy-share 0.2] [--concurrency 8] [--without kind,kind]
//        [--transport node-http|fetch] [--json]
//   --transport: node-http (default) is createRuntime's own default, createNodeHttpFetch; fetch is Node's.
//   --without leaves fault kinds out (e.g. 401-burst), to tell one defect's effect from the rest.
// PostgreSQL: DATABASE_URL (default postgres://root@127.0.0.1:5432/test), a fresh schema dropped at the end.
// Faults go off at the end; one maintenance (the next hour's) and one poll of everyone follow.
// Prints figures; asserts nothing (test/soak.test.ts asserts a CI-sized run).
import { loadavg } from "node:os";
import { RANDOM_FAULT_KINDS } from "@powertoken/fitbit/simulator";
import { WECONNECT_FAULT_KINDS } from "@powertoken/weconnect/simulator";
import * as core from "../dist/index.js";
import { runSoak } from "./soak-engine.mjs";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith("--")) {
    console.error(`--${name} needs a value, e.g. --${name} ${fallback}`);
    process.exit(2);
  }
  return value;
}
function number(name, fallback, { min, max }) {
  const value = Number(option(name, String(fallback)));
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number from ${min} to ${max}, got ${option(name, "")}`);
    process.exit(2);
  }
  return value;
}

const participants = number("participants", 1000, { min: 1, max: 100_000 });
const polls = number("polls", 96, { min: 1, max: 96 * 7 });
const faultRate = number("fault-rate", 0.1, { min: 0, max: 1 });
const seed = number("seed", 1, { min: 0, max: 2 ** 32 - 1 });
const legacyShare = number("legacy-share", 0.2, { min: 0, max: 1 });
const concurrency = number("concurrency", 8, { min: 1, max: 256 });
const transport = option("transport", "node-http");
if (transport !== "node-http" && transport !== "fetch") {
  console.error(`--transport must be node-http or fetch, got ${transport}`);
  process.exit(2);
}
const dialect = option("db", "sqlite");
if (dialect !== "sqlite" && dialect !== "postgres") {
  console.error(`--db must be sqlite or postgres, got ${dialect}`);
  process.exit(2);
}

const without = option("without", "").split(",").filter(Boolean);
const unknownKind = without.find((k) => !WECONNECT_FAULT_KINDS.includes(k));
if (unknownKind) {
  console.error(`--without: unknown fault kind ${unknownKind}; use ${WECONNECT_FAULT_KINDS.join(", ")}`);
  process.exit(2);
}

const cpuBefore = process.cpuUsage();
console.log(`# soak: ${participants} participants × ${polls} polls, fault rate ${faultRate}${without.length ? ` without ${without.join(", ")}` : ""}, seed ${seed}, ${dialect}, transport ${transport}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const result = await runSoak({
  core,
  participants,
  polls,
  faultRate,
  seed,
  dialect,
  legacyShare,
  concurrency,
  transport,
  weconnectKinds: WECONNECT_FAULT_KINDS.filter((k) => !without.includes(k)),
  trackerKinds: RANDOM_FAULT_KINDS.filter((k) => !without.includes(k)),
  databaseUrl: process.env.DATABASE_URL,
  onProgress: (p) => {
    if (p.step % 8 === 0 || p.step === p.polls) console.log(`  poll ${p.step}/${p.polls}: due ${p.due}, written ${p.written}, failed ${p.failed}`);
  },
});
const cpu = process.cpuUsage(cpuBefore);
if (process.argv.includes("--json")) console.log(JSON.stringify(result));
const line = (label, value) => console.log(`${label.padEnd(52)} ${value}`);
line("trackers right at the end (tokens stayed valid)", `${result.right} / ${result.withValidTokens} (${result.rightPercent} %)`);
line("duplicate entries", result.duplicates);
line("audit rows lost", `${result.auditLost} (confirmed days without their row: ${result.confirmedWithoutAudit} of ${result.confirmedDays}; values shown on trackers without their row: ${result.shownWithoutAudit} of ${result.shownValues}; ok rows ${result.auditOkRows})`);
line("requests per participant over the day", `WEconnect ${result.requestsPerParticipant.weconnect}, tracker ${result.requestsPerParticipant.tracker}`);
line("budget use (sum over the day's runs; peak = most in a minute)", Object.keys(result.budget).length === 0 ? "not reported (runs have no quota field in this build)" : JSON.stringify(result.budget));
line("participants not active after the faulty day", `${JSON.stringify(result.flaggedBeforeRestore)}; the closing maintenance restored ${result.restored ?? "(not reported)"}`);
line("participants not active at the end", JSON.stringify(result.flagged));
line("refresh tokens revoked on purpose", result.tokensRevoked);
line("check-ins / un-check-ins", `${result.checkIns} / ${result.unchecks}`);
line("faults injected", JSON.stringify(result.faultsInjected));
line("poll failures by code (day)", JSON.stringify(result.totals.failuresByCode));
line("poll skips by code (day)", JSON.stringify(result.totals.skippedByCode));
line("maintenance failures by code (day)", JSON.stringify(result.totals.maintenanceFailuresByCode));
line("last poll (faults off, all)", JSON.stringify(result.lastPoll));
line("duplicate days (first 10)", JSON.stringify(result.duplicateDays.slice(0, 10)));
line("values shown without their audit row (first 10)", JSON.stringify(result.unaudited.slice(0, 10)));
line("wrong trackers (first 10)", JSON.stringify(result.wrong.slice(0, 10)));
line("wall s / process CPU s", `${(result.soakMs / 1000).toFixed(1)} / ${((cpu.user + cpu.system) / 1e6).toFixed(1)} (simulators in this process)`);
line("load average at the end", loadavg().map((l) => l.toFixed(2)).join(" "));
