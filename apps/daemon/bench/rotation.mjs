// Issue 15: four real daemon processes (dist/daemon.js) over one PostgreSQL, against a Google
// Health simulator whose refresh tokens rotate and are single-use with no replay window (the
// harshest OAuth server: a refresh answer that is not saved loses the grant for good). Access
// tokens live 30 s, inside core's 5-minute refresh-ahead margin, so every maintenance run
// refreshes every participant, and polls that write refresh too. Check-ins change all along so
// polls write. Runs until the simulator has done --rotations refreshes (or --max-minutes), stops
// the daemons with SIGTERM, then prints: rotations done, refreshes answered invalid_grant, lost
// grants (stored refresh tokens the simulator no longer accepts), participants not active, and
// participants processed by two replicas in one cycle (poll and maintenance, from the daemons'
// per-participant log lines). Asserts nothing. Needs `npx tsup` in the packages and the daemon.
// Usage: node bench/rotation.mjs [--rotations 10000] [--participants 250] [--daemons 4] [--max-minutes 20]
// PostgreSQL: DATABASE_URL (default postgres://root@127.0.0.1:5432/test); a fresh schema, dropped at the end.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { createParticipant, generateEncryptionKey, loadTrackerToken, migrateToLatest, openDatabase, parseEncryptionKey, saveTrackerAccount, saveWeconnectAccount, upsertActivities } from "@powertoken/db";
import { startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";

const DAEMON = fileURLToPath(new URL("../dist/daemon.js", import.meta.url));
const BASE_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  const value = Number(at < 0 ? fallback : process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a positive number, got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
};
const ROTATIONS = option("rotations", 10_000);
const N = option("participants", 250);
const DAEMONS = option("daemons", 4);
const MAX_MS = option("max-minutes", 20) * 60_000;
const SCHEMA = `rotation_${randomBytes(4).toString("hex")}`;
const DAEMON_URL = `${BASE_URL}${BASE_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const weconnect = await startWeconnectSimulator();
const google = await startGoogleHealthSimulator({ accessTokenTtlSeconds: 30 });
Object.assign(google.state.oauth.settings, { rotateRefreshTokens: true, singleUseRefreshTokens: true, replayWindowSeconds: 0 });
const keyText = generateEncryptionKey();
const keys = { current: { id: "k1", key: parseEncryptionKey(keyText) } };
const seedHandle = await openDatabase({ url: BASE_URL, schema: SCHEMA, keys });
await migrateToLatest(seedHandle.db);
const dayStart = new Date();
dayStart.setUTCHours(0, 0, 0, 0);
const people = [];
for (let i = 1; i <= N; i++) {
  const person = weconnect.state.addPerson({ email: `r${i}@example.org`, password: "pw" });
  const activity = weconnect.state.addActivity(person.id, { name: "Meeting", dateStart: dayStart, duration: 60, repeat: "daily" });
  google.state.addUser({ userId: `u${i}` });
  const participant = await createParticipant(seedHandle.db, { name: `r${i}`, timeZone: "UTC", enrollmentStart: "2026-01-01", status: "active", mapping: "tally", stepsPerUnit: 1000 });
  await saveWeconnectAccount(seedHandle.db, keys, { participantId: participant.id, personId: String(person.id), accessToken: weconnect.state.issueToken(person.id) });
  const account = await saveTrackerAccount(seedHandle.db, keys, { participantId: participant.id, backend: "google-health", externalUserId: `u${i}`, ...google.state.issueTokens(`u${i}`) });
  await upsertActivities(seedHandle.db, participant.id, [{ weconnectActivityId: String(activity.activityId), name: "Meeting", startsAt: dayStart, durationMinutes: 60, repeat: "daily", repeatEndsAt: null, modifiedAt: dayStart, expiresAt: null }]);
  people.push({ id: participant.id, accountId: account.id, personId: person.id, activityId: activity.activityId });
}
await seedHandle.close();

const env = {
  PATH: process.env.PATH ?? "",
  TZ: "UTC",
  POWERTOKEN_LOG_LEVEL: "debug",
  POWERTOKEN_DATABASE_URL: DAEMON_URL,
  POWERTOKEN_DATABASE_POOL_SIZE: "6",
  POWERTOKEN_ENCRYPTION_KEY: keyText,
  POWERTOKEN_ENCRYPTION_KEY_ID: "k1",
  POWERTOKEN_WECONNECT_URL: weconnect.url,
  POWERTOKEN_GOOGLE_API_URL: google.url,
  POWERTOKEN_GOOGLE_AUTH_URL: `${google.oauthUrl}/authorize`,
  POWERTOKEN_GOOGLE_TOKEN_URL: `${google.oauthUrl}/token`,
  POWERTOKEN_GOOGLE_REVOKE_URL: `${google.oauthUrl}/revoke`,
  POWERTOKEN_GOOGLE_CLIENT_ID: "sim-client",
  POWERTOKEN_GOOGLE_CLIENT_SECRET: "sim-secret",
  POWERTOKEN_DEFAULT_BACKEND: "google-health",
  POWERTOKEN_HTTP_PORT: "0",
  POWERTOKEN_POLL_SCHEDULE: "*/10 * * * * *",
  POWERTOKEN_MAINTENANCE_SCHEDULE: "*/6 * * * * *",
  POWERTOKEN_POLL_ALL: "true",
  POWERTOKEN_POLL_CONCURRENCY: "8",
  POWERTOKEN_LEASE_MS: "20000",
};

/** One daemon process; its JSON log lines, parsed as they come. */
function startDaemon() {
  const child = spawn(process.execPath, [DAEMON], { env, stdio: ["ignore", "pipe", "pipe"] });
  const lines = [];
  let partial = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    partial += chunk;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const text of parts) {
      try {
        lines.push(JSON.parse(text));
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, lines, exited, stderr: () => stderr };
}

console.log(`# rotation: ${DAEMONS} daemons, ${N} participants, PostgreSQL, single-use rotating refresh tokens without replay window, 30 s access tokens; until ${ROTATIONS} rotations; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const cpuStart = process.cpuUsage();
const started = Date.now();
const daemons = Array.from({ length: DAEMONS }, startDaemon);
let lastPrint = 0;
while (google.state.stats.refreshes < ROTATIONS && Date.now() - started < MAX_MS && daemons.every((d) => d.child.exitCode === null)) {
  // Check-ins come and go, so polls have something to write (and refresh for).
  for (const p of people) {
    if (Math.random() >= 0.1) continue;
    if (!weconnect.state.uncheck(p.personId, p.activityId, dayStart)) weconnect.state.checkIn(p.personId, p.activityId, dayStart);
  }
  await sleep(2_000);
  if (Date.now() - lastPrint > 30_000) {
    lastPrint = Date.now();
    console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${google.state.stats.refreshes} rotations, ${google.state.stats.rejectedRefreshes} invalid_grant`);
  }
}
const wallS = (Date.now() - started) / 1000;
for (const d of daemons) d.child.kill("SIGTERM");
const exits = await Promise.all(daemons.map((d) => d.exited));

// Processed twice in a cycle: the same participant in two replicas' runs of one tick.
const tickOf = (iso) => Math.floor(Date.parse(iso) / 1000);
const twice = {};
const cycles = {};
for (const job of ["poll", "maintenance"]) {
  const byTick = new Map();
  for (const [replica, d] of daemons.entries()) {
    for (const l of d.lines) {
      if (l.job !== job || typeof l.msg !== "string" || !l.msg.startsWith(`${job}: participant`) || l.outcome === "skipped") continue;
      const tick = tickOf(l.runStartedAt);
      const seen = byTick.get(tick) ?? new Map();
      seen.set(l.participantId, [...(seen.get(l.participantId) ?? []), replica]);
      byTick.set(tick, seen);
    }
  }
  cycles[job] = byTick.size;
  twice[job] = [...byTick.values()].reduce((sum, seen) => sum + [...seen.values()].filter((r) => r.length > 1).length, 0);
}

const check = await openDatabase({ url: BASE_URL, schema: SCHEMA, keys });
let lost = 0;
for (const p of people) {
  const token = await loadTrackerToken(check.db, keys, p.accountId);
  if (!google.state.oauth.isRefreshTokenLive(token.refreshToken)) lost += 1;
}
const notActive = await check.db.selectFrom("participants").select(["status"]).where("status", "!=", "active").execute();
const failures = {};
for (const d of daemons) for (const l of d.lines) if (typeof l.msg === "string" && l.msg.endsWith("participant failed")) failures[String(l.code)] = (failures[String(l.code)] ?? 0) + 1;
await check.db.schema.dropSchema(SCHEMA).ifExists().cascade().execute();
await check.close();
await weconnect.close();
await google.close();

const s = google.state.stats;
const cpu = process.cpuUsage(cpuStart);
console.log(`rotations done                                  ${s.refreshes}`);
console.log(`refreshes answered invalid_grant                ${s.rejectedRefreshes}`);
console.log(`lost grants (stored refresh token dead)         ${lost} / ${N}`);
console.log(`participants not active at the end              ${notActive.length}`);
console.log(`processed twice in a cycle                      poll ${twice.poll} (over ${cycles.poll} cycles), maintenance ${twice.maintenance} (over ${cycles.maintenance} cycles)`);
console.log(`participant failures logged, by code            ${JSON.stringify(failures)}`);
console.log(`daemon exits                                    ${JSON.stringify(exits)}`);
console.log(`wall ${wallS.toFixed(0)} s; bench process (simulators) CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
if (exits.some((e) => e.code !== 0)) for (const d of daemons) if (d.stderr()) console.log(`stderr: ${d.stderr().slice(0, 1000)}`);
