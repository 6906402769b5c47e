// Issue 15's crash loop: N SIGKILLs at random moments of `powertoken poll --all` and of
// `powertoken maintenance` (the built CLI, dist/cli.js), on SQLite and on PostgreSQL. Each kill is
// followed by an unkilled run of the same job (and, after maintenance, an unkilled poll), then:
// every tracker shows the value computed here from the simulator's check-ins, no day has two
// PowerToken entries, the database is intact (SQLite `PRAGMA integrity_check`), and no plaintext
// token is in the database (the SQLite file and its WAL, or every row of the PostgreSQL database).
// Between rounds some check-ins change, so every poll has writes to be killed in the middle of.
// Prints converged / total per database and job; asserts nothing. Needs `npx tsup` in the packages
// and the app (imports their dist).
// Usage: node bench/crash-loop.mjs [--kills 20] [--participants 30] [--db sqlite,postgres] [--job poll,maintenance]
//        [--rotation [--replay-window 120]]   (single-use rotating refresh tokens on the Google
//        simulator, 120 s access tokens; no replay window unless given, 120 s being Fitbit's)
// With rotation and no replay window, a kill between a refresh answer and its save loses that
// grant for good (nothing can replay it): such participants are counted as "grants lost" and
// left out of the tracker check, which covers those whose tokens stayed valid.
// PostgreSQL: DATABASE_URL (default postgres://root@127.0.0.1:5432/test); a fresh database, dropped at the end.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createParticipant, findTrackerAccount, loadTrackerToken, migrateToLatest, openDatabase, parseEncryptionKey, saveTrackerAccount, saveWeconnectAccount } from "@powertoken/db";
import { startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { localDateOf, localDayWindow } from "@powertoken/weconnect";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";
import pg from "pg";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const KILLS = Number(option("kills", "20"));
const N = Number(option("participants", "30"));
const DATABASES = option("db", "sqlite,postgres").split(",");
const JOBS = option("job", "poll,maintenance").split(",");
const ROTATION = process.argv.includes("--rotation");
const REPLAY_S = Number(option("replay-window", "0"));
for (const [name, value, ok] of [
  ["kills", KILLS, Number.isInteger(KILLS) && KILLS > 0],
  ["participants", N, Number.isInteger(N) && N > 0],
  ["db", DATABASES.join(","), DATABASES.every((d) => d === "sqlite" || d === "postgres")],
  ["job", JOBS.join(","), JOBS.every((j) => j === "poll" || j === "maintenance")],
]) {
  if (!ok) {
    console.error(`--${name}: got ${value}; expected ${name === "db" ? "sqlite and/or postgres" : name === "job" ? "poll and/or maintenance" : "a positive whole number"}`);
    process.exit(2);
  }
}
const PLAN_SCALE = 10_000;

/**
 * Run the CLI; with killAfterMs, SIGKILL it then. Resolves with its exit code, signal and output.
 * Other engineers rebuild dist/ folders in the same checkout: a run that could not even load the CLI is
 * run again after a pause (counted in `rebuildCollisions`), so it says nothing about the kill.
 */
let rebuildCollisions = 0;
async function runCli(args, env, killAfterMs) {
  for (let attempt = 0; ; attempt++) {
    const result = await runCliOnce(args, env, killAfterMs);
    if (attempt >= 5 || !/(Cannot find module|ENOENT: no such file or directory, open) '[^']*\/dist\//.test(result.out)) return result;
    rebuildCollisions += 1;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

function runCliOnce(args, env, killAfterMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out, ms: performance.now() - started });
    });
  });
}

async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function loop(dialect, job) {
  const weconnect = await startWeconnectSimulator();
  const google = await startGoogleHealthSimulator({ accessTokenTtlSeconds: ROTATION ? 120 : 3599 });
  if (ROTATION) Object.assign(google.state.oauth.settings, { rotateRefreshTokens: true, singleUseRefreshTokens: true, replayWindowSeconds: REPLAY_S });
  // A little latency, so a run lasts long enough for kills to land inside it.
  weconnect.setDelay(15);
  const key = randomBytes(32).toString("base64");
  const keys = { current: { id: "k1", key: parseEncryptionKey(key) } };
  let dir;
  let url;
  let dbName;
  if (dialect === "sqlite") {
    dir = mkdtempSync(join(tmpdir(), "powertoken-crash-"));
    url = join(dir, "crash.sqlite");
  } else {
    dbName = `powertoken_crash_${randomBytes(4).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const u = new URL(POSTGRES_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const handle = await openDatabase({ url, keys });
  await migrateToLatest(handle.db);
  const people = [];
  const secrets = new Set();
  const today = () => localDateOf(new Date(), "UTC");
  for (let i = 0; i < N; i++) {
    const person = weconnect.state.addPerson({ email: `crash${i}@example.org`, password: "pw", timeZone: "UTC" });
    const activityIds = [0, 1, 2, 3].map((k) => weconnect.state.addActivity(person.id, { name: `a${k}`, dateStart: new Date(Date.UTC(2026, 10, 1, (i + k * 5) % 24, 0)), duration: 30, repeat: "daily" }).activityId);
    google.state.addUser({ userId: `crash-${i}` });
    const participant = await createParticipant(handle.db, { name: `crash-${i}`, timeZone: "UTC", enrollmentStart: "2026-11-01", status: "active", mapping: "plan", goalSteps: PLAN_SCALE, stepsPerUnit: 25_000 });
    const weconnectToken = weconnect.state.issueToken(person.id);
    await saveWeconnectAccount(handle.db, keys, { participantId: participant.id, personId: String(person.id), accessToken: weconnectToken, tokenExpiresAt: null });
    const tokens = google.state.issueTokens(`crash-${i}`);
    await saveTrackerAccount(handle.db, keys, { participantId: participant.id, backend: "google-health", ...tokens });
    for (const secret of [weconnectToken, tokens.accessToken, tokens.refreshToken]) secrets.add(secret);
    people.push({ id: participant.id, personId: person.id, user: `crash-${i}`, activityIds });
  }
  await handle.close();

  const env = {
    PATH: process.env.PATH,
    NO_COLOR: "1",
    POWERTOKEN_DATABASE_URL: url,
    POWERTOKEN_ENCRYPTION_KEY: key,
    POWERTOKEN_WECONNECT_URL: weconnect.url,
    POWERTOKEN_GOOGLE_API_URL: google.url,
    POWERTOKEN_GOOGLE_AUTH_URL: `${google.oauthUrl}/authorize`,
    POWERTOKEN_GOOGLE_TOKEN_URL: `${google.oauthUrl}/token`,
    POWERTOKEN_GOOGLE_REVOKE_URL: `${google.oauthUrl}/revoke`,
    POWERTOKEN_GOOGLE_CLIENT_ID: "sim-client",
    POWERTOKEN_GOOGLE_CLIENT_SECRET: "sim-secret",
  };
  const cwd = dir ?? mkdtempSync(join(tmpdir(), "powertoken-crash-cwd-"));
  const jobArgs = job === "poll" ? ["poll", "--all"] : ["maintenance"];

  const expected = (person) => {
    const window = localDayWindow("UTC", today());
    let planned = 0;
    let checked = 0;
    for (const activityId of person.activityIds) {
      for (const event of weconnect.state.eventsOf(weconnect.state.activities.get(activityId), window)) {
        planned += 1;
        if (event.didCheckin) checked += 1;
      }
    }
    return planned === 0 ? 0 : Math.floor((checked * PLAN_SCALE) / planned);
  };
  const churn = () => {
    for (const person of people) {
      if (Math.random() < 0.4) {
        const activityId = person.activityIds[Math.floor(Math.random() * person.activityIds.length)];
        const done = weconnect.state.eventsOf(weconnect.state.activities.get(activityId), localDayWindow("UTC", today())).some((e) => e.didCheckin);
        if (done) weconnect.state.uncheck(person.personId, activityId, today());
        else weconnect.state.checkIn(person.personId, activityId, today());
      }
    }
  };

  // Token strings the simulators issued after seeding, read off the OAuth answers' shapes.
  const plaintextFound = async () => {
    const prefixes = ["ya29.sim-", "1//sim-"];
    let text;
    if (dialect === "sqlite") {
      text = [url, `${url}-wal`].filter(existsSync).map((f) => readFileSync(f).toString("latin1")).join("\n");
    } else {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query("select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog','information_schema')");
      const parts = [];
      for (const t of tables.rows) parts.push(JSON.stringify((await client.query(`select * from "${t.table_schema}"."${t.table_name}"`)).rows));
      await client.end();
      text = parts.join("\n");
    }
    for (const token of weconnect.state.tokens.keys()) secrets.add(token);
    let found = 0;
    for (const secret of secrets) if (text.includes(secret)) found += 1;
    for (const prefix of prefixes) if (text.includes(prefix)) found += 1;
    if (text.includes("sim-secret")) found += 1;
    return found;
  };
  /** Participants whose stored refresh token the simulator no longer accepts. */
  const lostGrants = async () => {
    const h = await openDatabase({ url, keys });
    const lost = new Set();
    try {
      for (const p of people) {
        const account = await findTrackerAccount(h.db, p.id);
        const token = account ? await loadTrackerToken(h.db, keys, account.id) : null;
        if (!token || !google.state.oauth.isRefreshTokenLive(token.refreshToken)) lost.add(p.id);
      }
    } finally {
      await h.close();
    }
    return lost;
  };
  const integrity = async () => {
    if (dialect !== "sqlite") return "ok";
    const h = await openDatabase({ url, keys });
    // kysely is the db package's dependency, not the app's: resolved from there.
    const { sql } = await import(pathToFileURL(createRequire(import.meta.resolve("@powertoken/db")).resolve("kysely")).href);
    const rows = (await sql`PRAGMA integrity_check`.execute(h.db)).rows;
    await h.close();
    return rows.map((r) => Object.values(r)[0]).join(",");
  };

  // The first run, unkilled, shows everyone's day and tells how long a run lasts.
  const first = await runCli(["poll", "--all"], { ...env }, undefined);
  if (first.code !== 0) throw new Error(`first poll exited ${first.code}: ${first.out.slice(0, 2000)}`);
  const measure = await runCli(jobArgs, { ...env }, undefined);
  const runMs = Math.max(300, measure.ms);
  let converged = 0;
  let grantsLost = 0;
  let killedMidRun = 0;
  const failures = [];
  for (let round = 0; round < KILLS; round++) {
    churn();
    const killed = await runCli(jobArgs, { ...env }, Math.random() * runMs);
    if (killed.signal === "SIGKILL") killedMidRun += 1;
    const after = await runCli(jobArgs, { ...env }, undefined);
    const poll = job === "poll" ? after : await runCli(["poll", "--all"], { ...env }, undefined);
    const lostNow = await lostGrants();
    const wrong = people.filter((p) => !lostNow.has(p.id) && (google.state.viewDay(p.user, today()).powertoken?.steps ?? 0) !== expected(p)).length;
    grantsLost = lostNow.size;
    const duplicates = people.reduce((sum, p) => sum + Math.max(0, [...google.state.points(p.user).values()].filter((x) => x.writtenBy !== null && x.civilDate === today()).length - 1), 0);
    const check = await integrity();
    const plaintext = await plaintextFound();
    const ok = after.code === 0 && poll.code === 0 && wrong === 0 && duplicates === 0 && check === "ok" && plaintext === 0;
    if (ok) converged += 1;
    else failures.push({ round, afterExit: after.code, pollExit: poll.code, wrong, duplicates, integrity: check, plaintext, output: (after.code !== 0 ? after.out : poll.out).slice(0, 400) });
  }
  const refreshes = google.state.stats;
  await weconnect.close();
  await google.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  else rmSync(cwd, { recursive: true, force: true });
  if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  return { converged, grantsLost, killedMidRun, runMs: Math.round(runMs), failures, refreshes: refreshes.refreshes, rejected: refreshes.rejectedRefreshes };
}

console.log(`# crash loop: ${KILLS} SIGKILLs per (database, job), ${N} participants, Google Health simulator${ROTATION ? ` with single-use rotation, replay window ${REPLAY_S} s, 120 s access tokens` : " (its documented non-rotating refresh tokens)"}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const cpuBefore = process.cpuUsage();
for (const dialect of DATABASES) {
  for (const job of JOBS) {
    const r = await loop(dialect, job);
    console.log(`${dialect.padEnd(9)} ${job.padEnd(12)} converged ${r.converged} / ${KILLS} (grants lost ${r.grantsLost} / ${N}; killed mid-run ${r.killedMidRun}, an unkilled run lasts ~${r.runMs} ms; refreshes ${r.refreshes}, invalid_grant ${r.rejected})`);
    for (const f of r.failures.slice(0, 5)) console.log(`  not converged: ${JSON.stringify(f)}`);
  }
}
const cpu = process.cpuUsage(cpuBefore);
console.log(`CLI runs that could not load dist/ (a concurrent rebuild) and were run again: ${rebuildCollisions}`);
console.log(`bench process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (simulators; the CLI runs are child processes), load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
