// Waiting for another process's SQLite write lock must not freeze this process: better-sqlite3
// runs synchronously, so a busy wait inside the driver stops every timer and request with it.
// A real second process holds the lock here; a 10 ms interval measures the longest stall.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { checkWritable, createParticipant, getDay, listParticipants, migrateToLatest, openDatabase, touchDay, upsertDay, type DatabaseHandle } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pt-db-busy-wait-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The other process: takes the write lock, says so, holds it `holdMs`, then commits and exits.
const LOCKER = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1]);
db.exec(process.argv[3] ?? "begin immediate");
process.stdout.write("locked\\n");
setTimeout(() => { db.exec("commit"); db.close(); process.exit(0); }, Number(process.argv[2]));
`;

/** Starts the locker and resolves once it holds the write lock. */
async function holdWriteLock(path: string, holdMs: number, begin = "begin immediate"): Promise<ChildProcess> {
  // cwd: this package, so the child resolves the same better-sqlite3 as the code under test.
  const child = spawn(process.execPath, ["-e", LOCKER, path, String(holdMs), begin], { cwd: join(__dirname, ".."), stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`locker exited early (${code})`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
  });
  child.removeAllListeners("exit");
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** The longest gap between ticks of a 10 ms interval (beyond its 10 ms) while `work` runs. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ stallMs: number; result: T | undefined; error: unknown; elapsedMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  let result: T | undefined;
  let error: unknown;
  try {
    result = await work();
  } catch (caught) {
    error = caught;
  }
  const elapsedMs = performance.now() - started;
  // A stall that ends as the work does would otherwise go unseen: let the interval tick again.
  await new Promise((resolve) => setTimeout(resolve, 30));
  clearInterval(timer);
  return { stallMs, result, error, elapsedMs };
}

async function migratedHandle(name: string, busyTimeoutMs: number): Promise<DatabaseHandle> {
  const path = join(dir, name);
  const created = await openDatabase({ url: path });
  await migrateToLatest(created.db);
  await created.close();
  return openDatabase({ url: path, create: false, busyTimeoutMs });
}

const MAX_STALL_MS = 100;
const day = { localDate: "2026-11-25", plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.1, desiredSteps: null, desiredLabel: null };

describe("SQLite: waiting for another process's write lock keeps the event loop running", () => {
  it("a write outside a transaction waits for the lock, then succeeds", async () => {
    const handle = await migratedHandle("outside.db", 5_000);
    const locker = await holdWriteLock(join(dir, "outside.db"), 1_500);
    const run = await longestStall(() => createParticipant(handle.db, { name: "waited", timeZone: "UTC", enrollmentStart: "2026-11-25" }));
    await exited(locker);
    expect(run.error).toBeUndefined();
    expect(run.elapsedMs).toBeGreaterThan(1_000); // it did wait for the locker
    expect(run.stallMs).toBeLessThan(MAX_STALL_MS);
    expect((await listParticipants(handle.db)).map((p) => p.name)).toEqual(["waited"]);
    await handle.close();
  });

  it("a transaction waits at BEGIN, then commits all of its writes", async () => {
    const handle = await migratedHandle("inside.db", 5_000);
    const locker = await holdWriteLock(join(dir, "inside.db"), 1_500);
    const run = await longestStall(() =>
      handle.db.transaction().execute(async (trx) => {
        await createParticipant(trx, { name: "first", timeZone: "UTC", enrollmentStart: "2026-11-25" });
        await createParticipant(trx, { name: "second", timeZone: "UTC", enrollmentStart: "2026-11-25" });
      }),
    );
    await exited(locker);
    expect(run.error).toBeUndefined();
    expect(run.elapsedMs).toBeGreaterThan(1_000);
    expect(run.stallMs).toBeLessThan(MAX_STALL_MS);
    expect((await listParticipants(handle.db)).map((p) => p.name).sort()).toEqual(["first", "second"]);
    await handle.close();
  });

  it("a fixed statement on the direct path waits, then succeeds", async () => {
    const handle = await migratedHandle("direct.db", 5_000);
    const p = await createParticipant(handle.db, { name: "direct", timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await upsertDay(handle.db, { participantId: p.id, ...day, now: new Date("2026-11-25T10:00:00.000Z") });
    const later = new Date("2026-11-25T12:00:00.000Z");
    const locker = await holdWriteLock(join(dir, "direct.db"), 1_500);
    const run = await longestStall(() => touchDay(handle.db, { participantId: p.id, localDate: "2026-11-25", now: later }));
    await exited(locker);
    expect(run.error).toBeUndefined();
    expect(run.result?.updatedAt).toEqual(later);
    expect(run.elapsedMs).toBeGreaterThan(1_000);
    expect(run.stallMs).toBeLessThan(MAX_STALL_MS);
    expect((await getDay(handle.db, p.id, "2026-11-25"))?.updatedAt).toEqual(later);
    await handle.close();
  });

  it("many fixed statements started together on the direct path: their waits do not add up to a stall", async () => {
    const handle = await migratedHandle("direct-many.db", 5_000);
    const ids: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const p = await createParticipant(handle.db, { name: `many-${i}`, timeZone: "UTC", enrollmentStart: "2026-11-25" });
      await upsertDay(handle.db, { participantId: p.id, ...day, now: new Date("2026-11-25T10:00:00.000Z") });
      ids.push(p.id);
    }
    const later = new Date("2026-11-25T12:00:00.000Z");
    const locker = await holdWriteLock(join(dir, "direct-many.db"), 1_500);
    const run = await longestStall(() => Promise.all(ids.map((id) => touchDay(handle.db, { participantId: id, localDate: "2026-11-25", now: later }))));
    await exited(locker);
    expect(run.error).toBeUndefined();
    expect(run.result?.map((d) => d?.updatedAt)).toEqual(ids.map(() => later));
    expect(run.stallMs).toBeLessThan(MAX_STALL_MS);
    await handle.close();
  });

  it("a lock held past the busy timeout: typed BUSY after about the timeout, loop responsive, nothing written", async () => {
    const handle = await migratedHandle("past.db", 1_000);
    const locker = await holdWriteLock(join(dir, "past.db"), 5_000);
    const outside = await longestStall(() => createParticipant(handle.db, { name: "never", timeZone: "UTC", enrollmentStart: "2026-11-25" }));
    const inside = await longestStall(() =>
      handle.db.transaction().execute(async (trx) => {
        await createParticipant(trx, { name: "never-a", timeZone: "UTC", enrollmentStart: "2026-11-25" });
        await createParticipant(trx, { name: "never-b", timeZone: "UTC", enrollmentStart: "2026-11-25" });
      }),
    );
    // The driver's error, as before; callers type it with dbErrorOf, and checkWritable does.
    expect(outside.error).toMatchObject({ code: "SQLITE_BUSY" });
    expect(inside.error).toMatchObject({ code: "SQLITE_BUSY" });
    const writable = await longestStall(() => checkWritable(handle));
    expect(writable.error).toMatchObject({ name: "DbError", code: "BUSY" });
    for (const run of [outside, inside, writable]) {
      expect(run.elapsedMs).toBeGreaterThan(900);
      expect(run.elapsedMs).toBeLessThan(2_000);
      expect(run.stallMs).toBeLessThan(MAX_STALL_MS);
    }
    await exited(locker);
    expect(await listParticipants(handle.db)).toEqual([]);
    await handle.close();
  });

  it("opening a file another process holds exclusively (rollback journal) waits for it too", async () => {
    const path = join(dir, "journal.db");
    const plain = new Database(path);
    plain.exec("create table t (x integer)");
    plain.close();
    // Not yet in WAL mode: an exclusive lock keeps even readers out, so the first read at open waits.
    const locker = await holdWriteLock(path, 1_500, "begin exclusive; insert into t values (1)");
    const run = await longestStall(async () => (await openDatabase({ url: path, busyTimeoutMs: 5_000 })).close());
    await exited(locker);
    expect(run.error).toBeUndefined();
    expect(run.elapsedMs).toBeGreaterThan(1_000);
    expect(run.stallMs).toBeLessThan(MAX_STALL_MS);
  });

  it("a statement inside a transaction that meets SQLITE_BUSY is not run again: the error comes at once", async () => {
    const handle = await migratedHandle("snapshot.db", 5_000);
    const other = new Database(join(dir, "snapshot.db"));
    other.exec("create table scratch (x integer)");
    const started = performance.now();
    const error = await handle.db
      .connection()
      .execute(async (connection) => {
        // A deferred transaction (not how this package begins them) reads, another connection
        // commits, then the upgrade to a writer fails with SQLITE_BUSY_SNAPSHOT.
        await sql`begin`.execute(connection);
        try {
          await sql`select count(*) from participants`.execute(connection);
          other.exec("insert into scratch values (1)");
          await createParticipant(connection, { name: "late", timeZone: "UTC", enrollmentStart: "2026-11-25" });
          return undefined;
        } catch (caught) {
          return caught;
        } finally {
          await sql`rollback`.execute(connection);
        }
      });
    other.close();
    expect(error).toMatchObject({ code: "SQLITE_BUSY_SNAPSHOT" });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await listParticipants(handle.db)).toEqual([]);
    await handle.close();
  });
});
