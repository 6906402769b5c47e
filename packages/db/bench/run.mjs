// Throughput of the hot write paths on SQLite (temp file) and PostgreSQL (fresh schema).
// Prints figures, asserts nothing. Run after `npx tsup`: `node bench/run.mjs`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import {
  createParticipant,
  markDayPending,
  markDaysPending,
  migrateToLatest,
  openDatabase,
  recordTrackerWrite,
  recordTrackerWrites,
  upsertActivities,
  upsertDay,
  upsertEvents,
} from "../dist/index.js";

const ACTIVITIES = 100_000;
const EVENTS = 100_000;
const WRITES = 10_000;
const BATCH = 1_000;
const PARTICIPANTS = 100;
/** Writes committed together by the poll's group commit: about the poll's concurrency. */
const GROUP = 64;
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const now = new Date("2026-11-25T12:00:00.000Z");

function rate(count, ms) {
  return `${Math.round((count / ms) * 1000).toLocaleString("en-US")} rows/s (${count.toLocaleString("en-US")} in ${(ms / 1000).toFixed(2)} s)`;
}

async function run(label, open, cleanup) {
  const handle = await open();
  await migrateToLatest(handle.db);
  const db = handle.db;
  const people = [];
  for (let i = 0; i < PARTICIPANTS; i += 1) {
    people.push(await createParticipant(db, { name: `bench-${i}`, timeZone: "America/Chicago", enrollmentStart: "2026-11-01", status: "active", now }));
  }
  const perPerson = ACTIVITIES / PARTICIPANTS;

  let t = performance.now();
  for (const p of people) {
    const rows = Array.from({ length: perPerson }, (_, i) => ({
      weconnectActivityId: String(i), name: `Activity ${i}`, startsAt: now, durationMinutes: 60,
      repeat: "daily", repeatEndsAt: null, modifiedAt: now, expiresAt: null,
    }));
    for (let i = 0; i < rows.length; i += BATCH) await upsertActivities(db, p.id, rows.slice(i, i + BATCH), now);
  }
  const activitiesMs = performance.now() - t;

  t = performance.now();
  for (const p of people) {
    const rows = Array.from({ length: EVENTS / PARTICIPANTS }, (_, i) => ({
      occurrenceId: `${i}-20261125`, weconnectActivityId: String(i % perPerson), localDate: "2026-11-25",
      startsAt: now, endsAt: now, checkedIn: i % 3 === 0,
    }));
    for (let i = 0; i < rows.length; i += BATCH) await upsertEvents(db, p.id, rows.slice(i, i + BATCH), now);
  }
  const eventsMs = performance.now() - t;

  const days = [];
  for (let i = 0; i < WRITES; i += 1) {
    const p = people[i % PARTICIPANTS];
    const localDate = new Date(Date.UTC(2026, 0, 1 + Math.floor(i / PARTICIPANTS))).toISOString().slice(0, 10);
    await upsertDay(db, { participantId: p.id, localDate, plannedCount: 4, completedCount: 1, dailyProgress: 0.25, weeklyProgress: 0.1, desiredSteps: 25_000, desiredLabel: "1 of 4", now });
    days.push({ participantId: p.id, localDate });
  }
  t = performance.now();
  for (const [i, d] of days.entries()) {
    await recordTrackerWrite(db, { ...d, backend: "google-health", steps: 25_000, label: "1 of 4", entryId: `e-${i}`, outcome: "ok", now });
  }
  const writesMs = performance.now() - t;

  t = performance.now();
  for (const [i, d] of days.entries()) {
    await markDayPending(db, { ...d, steps: 50_000, label: "2 of 4", backend: "google-health", now });
    await recordTrackerWrite(db, { ...d, backend: "google-health", steps: 50_000, label: "2 of 4", entryId: `e-${i}`, outcome: "ok", now });
  }
  const pendingMs = performance.now() - t;

  // The poll's path (core's group commit): intents of GROUP participants in one transaction, then
  // their confirmations with audit rows in one. Each write is 2 transactions shared by GROUP.
  t = performance.now();
  for (let i = 0; i < days.length; i += GROUP) {
    const group = days.slice(i, i + GROUP);
    await markDaysPending(db, group.map((d) => ({ ...d, steps: 75_000, label: "3 of 4", backend: "google-health", now })));
    await recordTrackerWrites(db, group.map((d, k) => ({ ...d, backend: "google-health", steps: 75_000, label: "3 of 4", entryId: `e-${i + k}`, outcome: "ok", now })));
  }
  const groupMs = performance.now() - t;

  console.log(`\n${label}`);
  console.log(`  upsertActivities, batches of ${BATCH}: ${rate(ACTIVITIES, activitiesMs)}`);
  console.log(`  upsertEvents, batches of ${BATCH}:     ${rate(EVENTS, eventsMs)}`);
  console.log(`  recordTrackerWrite (day + audit row): ${rate(WRITES, writesMs)}`);
  console.log(`  markDayPending + recordTrackerWrite:  ${rate(WRITES, pendingMs)} writes`);
  console.log(`  tracker writes, group commit of ${GROUP} (markDaysPending + recordTrackerWrites): ${rate(WRITES, groupMs)} writes (goal on PostgreSQL: >= 1,000/s)`);
  await handle.close();
  await cleanup();
}

const dir = mkdtempSync(join(tmpdir(), "pt-db-bench-"));
await run("SQLite (temp file, WAL, synchronous=NORMAL)", () => openDatabase({ url: join(dir, "bench.db") }), async () => rmSync(dir, { recursive: true, force: true }));

const schema = `bench_${process.pid}`;
try {
  await run(
    `PostgreSQL (${DATABASE_URL.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@")}, schema ${schema})`,
    () => openDatabase({ url: DATABASE_URL, schema }),
    async () => {
      const admin = await openDatabase({ url: DATABASE_URL });
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    },
  );
} catch (error) {
  console.log(`\nPostgreSQL: not measured (${error.code ?? error.message})`);
}
console.log(`\nNode ${process.version}, ${new Date().toISOString()}`);
