import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError, runPoll } from "../src/index.js";
import { chicagoMeetingSpec, POSTGRES_URL, startDbWorld, type DbWorld } from "./helpers/db-world.js";

// The driver as the db package resolves it: core itself does not depend on it.
const betterSqlite = createRequire(new URL("../../db/package.json", import.meta.url)).resolve("better-sqlite3");
type Sqlite = { exec(sql: string): void; prepare(sql: string): { all(): unknown[] }; pragma(sql: string): unknown; close(): void };
const Database = createRequire(import.meta.url)(betterSqlite) as new (file: string, options?: { readonly?: boolean }) => Sqlite;

/** Overwrites the pages of `table` and its indexes with 0xA5, as the operator's damaged file had. */
function damageTable(file: string, table: string): void {
  const other = new Database(file);
  // Every page in the main file first, so the damaged bytes are what SQLite reads next.
  other.pragma("wal_checkpoint(truncate)");
  const roots = (other.prepare(`select rootpage from sqlite_master where tbl_name = '${table}' and rootpage > 0`).all() as { rootpage: number }[]).map((r) => r.rootpage);
  other.close();
  const bytes = readFileSync(file);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65_536 : bytes.readUInt16BE(16);
  for (const root of roots) bytes.fill(0xa5, (root - 1) * pageSize, root * pageSize);
  writeFileSync(file, bytes);
  // A write from another connection changes the WAL index, so the poll's connection drops its cached pages.
  const poke = new Database(file);
  poke.pragma("user_version = 7");
  poke.close();
}

describe("a damaged SQLite page met in the middle of a poll", () => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("fails the participant as DB_NOT_A_DATABASE saying to restore a backup, not INTERNAL 'Unexpected SqliteError'", async () => {
    let damageOnce = true;
    world = await startDbWorld("sqlite", [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z", {
      hooks: {
        beforeRecordWrite() {
          if (!damageOnce) return;
          damageOnce = false;
          damageTable(String(world!.runtime.config.database.url), "days");
        },
      },
    });
    const ana = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!);
    world.clock.set("2026-11-25T15:50:00Z");
    const result = await runPoll(world.runtime.ctx);
    expect(result).toMatchObject({ written: 0, failed: 1, failuresByCode: { DB_NOT_A_DATABASE: 1 } });
    expect(result.participants[0]?.message).toMatch(/^The SQLite database is damaged \(SQLITE_CORRUPT\w*\): SQLite cannot read some of its pages\. Restore it from a backup/);
    expect(JSON.stringify(result)).not.toContain("Unexpected SqliteError");
  }, 30_000);

  it("classifies a real SQLITE_CORRUPT from a damaged file", () => {
    const file = join(tmpdir(), `pt-corrupt-${process.pid}-${Date.now()}.sqlite`);
    try {
      const setup = new Database(file);
      setup.exec("create table t (x); insert into t values (1)");
      const { rootpage } = setup.prepare("select rootpage from sqlite_master where name = 't'").all()[0] as { rootpage: number };
      setup.close();
      const bytes = readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      bytes.fill(0xa5, (rootpage - 1) * pageSize, rootpage * pageSize);
      writeFileSync(file, bytes);
      const reader = new Database(file, { readonly: true });
      let corrupt: unknown;
      try {
        reader.prepare("select * from t").all();
      } catch (error) {
        corrupt = error;
      } finally {
        reader.close();
      }
      expect((corrupt as { code?: string }).code).toMatch(/^SQLITE_CORRUPT/);
      const classified = classifyError(corrupt);
      expect(classified).toMatchObject({ code: "DB_NOT_A_DATABASE", origin: "db" });
      expect(classified.message).toContain("Restore it from a backup");
      expect(classified.message).not.toContain("\n");
    } finally {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    }
  });

  it("classifies PostgreSQL's real lock_not_available (55P03) as DB_BUSY", async () => {
    const schema = `core_lock_${process.pid}_${Date.now()}`;
    const holder = new pg.Client({ connectionString: POSTGRES_URL });
    const waiter = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
    await waiter.connect();
    try {
      await holder.query(`create schema ${schema}; create table ${schema}.t (x int)`);
      await holder.query(`begin; lock table ${schema}.t in access exclusive mode`);
      const error = await waiter.query(`set lock_timeout = '50ms'; select * from ${schema}.t`).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("55P03");
      expect(classifyError(error)).toMatchObject({ code: "DB_BUSY", origin: "db", message: expect.stringContaining("55P03 lock_not_available") });
    } finally {
      await holder.query("rollback").catch(() => undefined);
      await holder.query(`drop schema if exists ${schema} cascade`);
      await holder.end();
      await waiter.end();
    }
  });
});
