// The dashboard's server time at 10,000 participants (issue 12): the overview's three reads
// (a page of listParticipantRows, countParticipantsByState, getJobHealth) and exportDays' rate,
// on SQLite and PostgreSQL. Prints figures, asserts nothing. Needs `npx tsup` first (imports ./dist).
// Usage: node bench/dashboard.mjs [participants] [--days=30] [--sqlite-only]
// PostgreSQL: DATABASE_URL (default postgres://root@127.0.0.1:5432/test), in a schema of its own.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { saveTrackerAccount, saveWeconnectAccount, startJobRun, finishJobRun } from "@powertoken/db";
import pg from "pg";
import { ConfigSchema, countParticipantsByState, createRuntime, exportDays, getJobHealth, listParticipantRows } from "../dist/index.js";

const args = process.argv.slice(2);
const N = Number(args.find((a) => !a.startsWith("--")) ?? 10_000);
const DAYS = Number(args.find((a) => a.startsWith("--days="))?.slice(7) ?? 30);
const PG_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const NOW = new Date("2026-11-30T18:00:00.000Z");
const STATES = ["active", "active", "active", "active", "needs-weconnect-signin", "needs-tracker-consent", "needs-google-health", "ended"];
const ZONES = ["America/Chicago", "Europe/Berlin", "Asia/Tokyo", "UTC"];
// Accounts hold encrypted tokens, written one by one; the overview reads those of one page only, so the first pages get them.
const WITH_ACCOUNTS = 500;

const dateOf = (offset) => new Date(Date.UTC(2026, 10, 30 - offset)).toISOString().slice(0, 10);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function insertChunks(db, table, rows, size = 1000) {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size)).execute();
}

async function seed(runtime) {
  const db = runtime.db.db;
  const at = NOW.toISOString();
  const started = performance.now();
  const participants = Array.from({ length: N }, (_, i) => ({
    name: `p${String(i).padStart(5, "0")}`,
    time_zone: ZONES[i % ZONES.length],
    enrollment_start: dateOf(DAYS),
    enrollment_end: null,
    status: STATES[i % STATES.length],
    mapping: "plan",
    goal_steps: 10_000,
    steps_per_unit: 25_000,
    created_at: at,
    updated_at: at,
  }));
  await insertChunks(db, "participants", participants);
  const ids = (await db.selectFrom("participants").select("id").orderBy("name").execute()).map((r) => r.id);
  const days = [];
  for (const id of ids) {
    for (let d = 0; d < DAYS; d += 1) {
      days.push({ participant_id: id, local_date: dateOf(d), planned_count: 3, completed_count: (id + d) % 4, daily_progress: ((id + d) % 4) / 3, weekly_progress: 0.5, desired_steps: 5000, desired_label: "PowerToken", confirmed_steps: 5000, confirmed_label: "PowerToken", entry_backend: "google-health", entry_id: `e${id}-${d}`, write_state: "confirmed", pending_at: null, updated_at: at });
    }
  }
  await insertChunks(db, "days", days, 500);
  const audit = [];
  for (const id of ids) for (let k = 0; k < 5; k += 1) audit.push({ at: new Date(NOW.getTime() - k * 900_000).toISOString(), participant_id: id, participant_name: null, action: "tracker-write", local_date: dateOf(0), daily_progress: 0.5, weekly_progress: 0.5, steps: 5000, backend: "google-health", entry_id: null, outcome: "ok", detail: null });
  await insertChunks(db, "audit_log", audit);
  await insertChunks(db, "errors", ids.filter((_, i) => i % 2 === 0).map((id) => ({ at, participant_id: id, origin: "poll", code: "RATE_LIMITED", message: "429" })));
  for (const id of ids.slice(0, WITH_ACCOUNTS)) {
    await saveWeconnectAccount(db, runtime.db.keys, { participantId: id, personId: String(id), accessToken: `wc-${id}`, tokenExpiresAt: null, now: NOW });
    await saveTrackerAccount(db, runtime.db.keys, { participantId: id, backend: "google-health", accessToken: `at-${id}`, refreshToken: `rt-${id}`, expiresAt: new Date(NOW.getTime() + 3_600_000), scopes: ["a"], now: NOW });
  }
  for (const job of ["poll", "maintenance"]) {
    for (let k = 0; k < 200; k += 1) {
      const startedAt = new Date(NOW.getTime() - k * 900_000);
      const id = await startJobRun(db, { job, owner: "bench", startedAt });
      await finishJobRun(db, id, { finishedAt: new Date(startedAt.getTime() + 20_000), outcome: "ok", processed: N, written: 100, failed: 0, rateLimited: 0, failuresByCode: {} });
    }
  }
  return { ms: performance.now() - started, days: days.length };
}

async function measure(dialect) {
  const dir = dialect === "sqlite" ? mkdtempSync(join(tmpdir(), "pt-dash-bench-")) : undefined;
  const schema = `bench_dash_${randomBytes(4).toString("hex")}`;
  const config = ConfigSchema.parse({ database: { url: dir ? join(dir, "pt.sqlite") : PG_URL, poolSize: 8 }, encryption: { key: randomBytes(32).toString("base64") } });
  const runtime = await createRuntime(config, { now: () => NOW, ...(dir ? {} : { schema }) });
  try {
    const seeded = await seed(runtime);
    const overview = async (options) => {
      const t0 = performance.now();
      await Promise.all([listParticipantRows(runtime, { page: 1, pageSize: 50, ...options }), countParticipantsByState(runtime), getJobHealth(runtime)]);
      return performance.now() - t0;
    };
    const timed = async (fn) => {
      const times = [];
      for (let i = 0; i < 7; i += 1) times.push(await fn());
      return median(times);
    };
    const plain = await timed(() => overview({}));
    const filtered = await timed(() => overview({ states: ["active"], search: "p04", page: 3 }));
    const last = await timed(() => overview({ page: Math.ceil(N / 50) }));
    const rowsOnly = await timed(async () => {
      const t0 = performance.now();
      await listParticipantRows(runtime, { page: 1, pageSize: 50 });
      return performance.now() - t0;
    });
    const t0 = performance.now();
    let bytes = 0;
    for await (const chunk of exportDays(runtime, { since: dateOf(DAYS), until: dateOf(0), format: "csv" })) bytes += chunk.length;
    const exportMs = performance.now() - t0;
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `${dialect.padEnd(8)} seeded ${N} participants, ${seeded.days} days in ${(seeded.ms / 1000).toFixed(1)} s | overview (page 1 + counts + job health): ${plain.toFixed(1)} ms, filtered+searched: ${filtered.toFixed(1)} ms, last page: ${last.toFixed(1)} ms, rows alone: ${rowsOnly.toFixed(1)} ms | export ${seeded.days} rows: ${(exportMs / 1000).toFixed(2)} s = ${Math.round(seeded.days / (exportMs / 1000))} rows/s, ${(bytes / 2 ** 20).toFixed(1)} MiB, RSS ${rss.toFixed(0)} MiB`,
    );
  } finally {
    await runtime.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    else {
      const client = new pg.Client(PG_URL);
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
}

console.log(`dashboard bench: ${N} participants × ${DAYS} days, medians of 7, ${cpus().length} CPUs (shared), Node ${process.version}`);
await measure("sqlite");
if (!args.includes("--sqlite-only")) await measure("postgres");
