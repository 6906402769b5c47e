import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listErrors } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError, runPoll } from "../src/index.js";
import { chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

// The driver as the db package resolves it: core itself does not depend on it.
const betterSqlite = createRequire(new URL("../../db/package.json", import.meta.url)).resolve("better-sqlite3");

/** Another process that takes the SQLite write lock, holds it `ms`, then commits and exits. */
function holdWriteLock(file: string, ms: number): { child: ChildProcess; locked: Promise<void> } {
  const script = `const D = require(${JSON.stringify(betterSqlite)}); const db = new D(${JSON.stringify(file)}); db.exec("BEGIN IMMEDIATE"); process.stdout.write("locked\\n"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
    child.on("exit", (code) => reject(new Error(`lock holder exited ${code} before locking`)));
  });
  return { child, locked };
}

describe("a SQLite write lock taken by another process in the middle of a poll", () => {
  let world: DbWorld | undefined;
  let holder: ChildProcess | undefined;
  afterEach(async () => {
    holder?.kill();
    await world?.close();
    world = undefined;
  });

  it("fails the participant as DB_BUSY naming the cause, records it, and the next poll writes the day once", async () => {
    let lockOnce = true;
    world = await startDbWorld("sqlite", [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z", {
      hooks: {
        async beforeRecordWrite() {
          if (!lockOnce) return;
          lockOnce = false;
          // Held past the 5 s busy timeout of the write, released before the failure is recorded.
          const lock = holdWriteLock(String(world!.runtime.config.database.url), 6_500);
          holder = lock.child;
          await lock.locked;
        },
      },
    });
    const ana = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!);
    world.clock.set("2026-11-25T15:50:00Z");
    const first = await runPoll(world.runtime.ctx);
    expect(first).toMatchObject({ written: 0, failed: 1, failuresByCode: { DB_BUSY: 1 } });
    expect(first.participants[0]?.message).toMatch(/Another process held the SQLite database's write lock for longer than the busy timeout \(SQLITE_BUSY/);
    expect(JSON.stringify(first)).not.toContain("Unexpected SqliteError");
    const errors = await listErrors(world.runtime.db.db, {});
    expect(errors.map((e) => e.code)).toContain("DB_BUSY");

    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ written: 1, failed: 0 });
    expect(world.view("ana", "2026-11-25")).toMatchObject({ entries: 1 });
  }, 30_000);

  it("classifies a real SQLITE_BUSY from a second connection, and leaves other driver errors INTERNAL", () => {
    const Database = createRequire(import.meta.url)(betterSqlite) as new (file: string, options?: { timeout?: number }) => { exec(sql: string): void; close(): void };
    const file = join(tmpdir(), `pt-busy-${process.pid}-${Date.now()}.sqlite`);
    const a = new Database(file);
    const b = new Database(file, { timeout: 50 });
    try {
      a.exec("pragma journal_mode = wal; create table t (x); begin immediate; insert into t values (1)");
      let busy: unknown;
      try {
        b.exec("insert into t values (2)");
      } catch (error) {
        busy = error;
      }
      expect(classifyError(busy)).toMatchObject({ code: "DB_BUSY", origin: "db", message: expect.stringContaining("write lock") });
      let other: unknown;
      try {
        b.exec("select * from no_such_table");
      } catch (error) {
        other = error;
      }
      expect(classifyError(other)).toEqual({ code: "INTERNAL", message: "Unexpected SqliteError while processing the participant.", origin: "core" });
    } finally {
      a.close();
      b.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    }
  });
});
