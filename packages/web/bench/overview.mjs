// The overview's server time at 10,000 participants (goal ≤ 300 ms) and the CSV export's rate,
// on SQLite (temp file) and PostgreSQL (a fresh schema at DATABASE_URL), in process with
// app.request and a signed-in session, from ./dist. Prints figures, asserts nothing.
//   node bench/overview.mjs [--participants=10000] [--days=30] [--only=sqlite|postgres]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCoordinator, ConfigSchema, createRuntime, signInCoordinator } from "@powertoken/core";
import pg from "pg";
import { createWebApp } from "../dist/index.js";

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const PARTICIPANTS = Number(arg("participants", 10_000));
const DAYS = Number(arg("days", 30));
const ONLY = arg("only", "");
const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const NOW = new Date("2026-11-30T18:00:00Z");
const ORIGIN = "https://study.example.org";
const STATES = ["active", "active", "active", "active", "active", "active", "needs-tracker-consent", "needs-weconnect-signin", "needs-google-health", "ended"];

async function seed(runtime) {
  const db = runtime.db.db;
  const at = NOW.toISOString();
  // Bulk inserts straight into the tables: the bench measures reading, not enrolment.
  for (let start = 0; start < PARTICIPANTS; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(PARTICIPANTS, start + 500); i += 1) {
      rows.push({ name: `p${String(i).padStart(5, "0")}`, time_zone: "UTC", enrollment_start: "2026-10-01", enrollment_end: null, status: STATES[i % STATES.length], mapping: "plan", goal_steps: 10_000, steps_per_unit: 1000, created_at: at, updated_at: at });
    }
    await db.insertInto("participants").values(rows).execute();
  }
  const ids = (await db.selectFrom("participants").select("id").orderBy("id").execute()).map((r) => r.id);
  const dates = Array.from({ length: DAYS }, (_, k) => new Date(NOW.getTime() - k * 86_400_000).toISOString().slice(0, 10));
  let batch = [];
  for (const id of ids) {
    for (const [k, date] of dates.entries()) {
      const done = (id + k) % 3;
      batch.push({ participant_id: id, local_date: date, planned_count: 2, completed_count: done, daily_progress: done / 2, weekly_progress: 0.5, desired_steps: done * 5000, desired_label: null, confirmed_steps: done * 5000, confirmed_label: null, entry_backend: "google-health", entry_id: null, write_state: "confirmed", pending_at: null, updated_at: at });
      if (batch.length >= 1000) {
        await db.insertInto("days").values(batch).execute();
        batch = [];
      }
    }
  }
  if (batch.length) await db.insertInto("days").values(batch).execute();
}

async function bench(dialect) {
  let dir;
  let schema;
  if (dialect === "sqlite") dir = mkdtempSync(join(tmpdir(), "pt-web-overview-"));
  else schema = `bench_web_${randomBytes(4).toString("hex")}`;
  const config = ConfigSchema.parse({ database: { url: dir ? join(dir, "pt.sqlite") : POSTGRES_URL }, encryption: { key: randomBytes(32).toString("base64") }, web: { publicUrl: ORIGIN } });
  const runtime = await createRuntime(config, { now: () => NOW, ...(schema ? { schema } : {}) });
  try {
    let t = performance.now();
    await seed(runtime);
    console.log(`${dialect}: seeded ${PARTICIPANTS} participants × ${DAYS} days in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const app = createWebApp({ runtime, publicUrl: ORIGIN, studyName: "Bench", contact: "bench@example.org" });
    await addCoordinator(runtime, { email: "bench@example.org", role: "viewer", password: "bench-password-long" });
    const { sessionToken } = await signInCoordinator(runtime, { email: "bench@example.org", password: "bench-password-long", address: null });
    const headers = { cookie: `__Host-pt_admin=${sessionToken}` };
    const get = async (path) => {
      const res = await app.request(`${ORIGIN}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return res.text();
    };
    for (const [label, path, n] of [
      ["overview, page 1", "/admin", 30],
      ["overview, page 100", "/admin?page=100", 30],
      ["overview, search 'p0999'", "/admin?q=p0999", 30],
      ["overview, state=ended", "/admin?state=ended", 30],
      ["participant page (30 days)", `/admin/participants/${PARTICIPANTS}`, 30],
    ]) {
      for (let i = 0; i < 3; i += 1) await get(path);
      const ms = [];
      for (let i = 0; i < n; i += 1) {
        t = performance.now();
        await get(path);
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      const q = (f) => ms[Math.floor(f * (n - 1))].toFixed(1);
      console.log(`${dialect}: ${label.padEnd(30)} n=${n}  p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${q(1)} ms`);
    }
    t = performance.now();
    const csv = await get(`/admin/export.csv?since=2026-10-01&until=2026-11-30`);
    const seconds = (performance.now() - t) / 1000;
    const rows = csv.split("\r\n").length - 2;
    console.log(`${dialect}: CSV export of ${rows} day rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s (${(csv.length / 1e6).toFixed(1)} MB)`);
  } finally {
    await runtime.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (schema) {
      const client = new pg.Client(POSTGRES_URL);
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
}

for (const dialect of ["sqlite", "postgres"]) if (!ONLY || ONLY === dialect) await bench(dialect);
