import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { checkIntegrity, checkWritable, dbErrorOf, DbError, migrateToLatest, openDatabase } from "../src/index.js";
import { DATABASE_URL } from "./_dialects.js";

// The errors here are the drivers' own, produced for real (a second connection holding the lock,
// pages overwritten on disk, a PostgreSQL lock_timeout); only PostgreSQL's corruption codes, which
// cannot be provoked safely, are given as values.

const dir = mkdtempSync(join(tmpdir(), "pt-db-driver-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function migratedFile(name: string): Promise<string> {
  const path = join(dir, name);
  const handle = await openDatabase({ url: path });
  await migrateToLatest(handle.db);
  await handle.close();
  return path;
}

/** Overwrites pages `from`..`to` (1-based, inclusive) with 0xA5, as the operator's damaged file had. */
function damagePages(path: string, from: number, to: number): void {
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0xa5, (from - 1) * pageSize, Math.min(bytes.length, to * pageSize));
  writeFileSync(path, bytes);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("dbErrorOf", () => {
  it("turns better-sqlite3's SQLITE_BUSY into BUSY naming the file", async () => {
    const path = await migratedFile("busy.db");
    const holder = new Database(path);
    const other = new Database(path, { timeout: 0 });
    holder.exec("begin immediate");
    try {
      const driverError = thrown(() => other.exec("begin immediate"));
      expect(driverError).toMatchObject({ code: "SQLITE_BUSY" });
      const error = dbErrorOf(driverError, path);
      expect(error).toBeInstanceOf(DbError);
      expect(error).toMatchObject({ code: "BUSY" });
      expect(error?.message).toContain(`write lock on ${path} (SQLITE_BUSY)`);
      expect(error?.cause).toBe(driverError);
    } finally {
      holder.exec("rollback");
      holder.close();
      other.close();
    }
  });

  it("turns SQLITE_CORRUPT from a damaged page into NOT_A_DATABASE naming the file and the remedy, in one line", async () => {
    const path = await migratedFile("corrupt.db");
    const sqlite = new Database(path, { readonly: true });
    const { rootpage } = sqlite.prepare("select rootpage from sqlite_master where name = 'participants'").get() as { rootpage: number };
    sqlite.close();
    damagePages(path, rootpage, rootpage);
    const reader = new Database(path, { readonly: true });
    try {
      const driverError = thrown(() => reader.prepare("select * from participants").all());
      expect((driverError as { code: string }).code).toMatch(/^SQLITE_CORRUPT/);
      const error = dbErrorOf(driverError, path);
      expect(error).toMatchObject({ code: "NOT_A_DATABASE" });
      expect(error?.message).toContain(path);
      expect(error?.message).toContain("Restore it from a backup");
      expect(error?.message).not.toContain("\n");
    } finally {
      reader.close();
    }
  });

  it("turns SQLITE_NOTADB into NOT_A_DATABASE", () => {
    const path = join(dir, "text.db");
    writeFileSync(path, "this is not a database, just some text that is long enough to have a header".repeat(4));
    const sqlite = new Database(path, { readonly: true });
    try {
      const driverError = thrown(() => sqlite.prepare("select * from sqlite_master").all());
      expect(driverError).toMatchObject({ code: "SQLITE_NOTADB" });
      expect(dbErrorOf(driverError, path)).toMatchObject({ code: "NOT_A_DATABASE" });
    } finally {
      sqlite.close();
    }
  });

  it("finds the driver error in a cause chain, and without a file names the database generically", async () => {
    const path = await migratedFile("cause.db");
    const holder = new Database(path);
    const other = new Database(path, { timeout: 0 });
    holder.exec("begin immediate");
    try {
      const driverError = thrown(() => other.exec("begin immediate"));
      const wrapped = new Error("import failed", { cause: driverError });
      const error = dbErrorOf(wrapped);
      expect(error).toMatchObject({ code: "BUSY" });
      expect(error?.message).toContain("the SQLite database (SQLITE_BUSY)");
      expect(error?.message).not.toContain("undefined");
    } finally {
      holder.exec("rollback");
      holder.close();
      other.close();
    }
  });

  it("leaves every other error alone: a constraint, a DbError, a plain Error, a non-error", async () => {
    const sqlite = new Database(":memory:");
    sqlite.exec("create table t (x int primary key)");
    sqlite.exec("insert into t values (1)");
    const constraint = thrown(() => sqlite.exec("insert into t values (1)"));
    sqlite.close();
    expect(constraint).toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    expect(dbErrorOf(constraint, "x.db")).toBeUndefined();
    expect(dbErrorOf(new DbError("BUSY", "already typed"), "x.db")).toBeUndefined();
    expect(dbErrorOf(new Error("database is locked"), "x.db")).toBeUndefined();
    expect(dbErrorOf(undefined)).toBeUndefined();
    expect(dbErrorOf("SQLITE_BUSY")).toBeUndefined();
  });

  it("turns PostgreSQL's 55P03 lock_not_available (a real lock_timeout) into BUSY", async () => {
    const table = `pt_lock_${process.pid}_${Date.now()}`;
    const holder = new pg.Client({ connectionString: DATABASE_URL });
    const waiter = new pg.Client({ connectionString: DATABASE_URL });
    await holder.connect();
    await waiter.connect();
    try {
      await holder.query(`create table ${table} (x int)`);
      await holder.query("begin");
      await holder.query(`lock table ${table} in access exclusive mode`);
      await waiter.query("set lock_timeout = 100");
      const driverError = await waiter.query(`select * from ${table}`).catch((e: unknown) => e);
      expect(driverError).toMatchObject({ code: "55P03" });
      const error = dbErrorOf(driverError, "postgres://root:***@127.0.0.1/test");
      expect(error).toMatchObject({ code: "BUSY" });
      expect(error?.message).toContain("55P03");
    } finally {
      await holder.query("rollback").catch(() => undefined);
      await holder.query(`drop table if exists ${table}`);
      await holder.end();
      await waiter.end();
    }
  });

  it("turns PostgreSQL's XX001 / XX002 into NOT_A_DATABASE", () => {
    const data = Object.assign(new Error("invalid page in block 7 of relation base/1/2"), { code: "XX001" });
    const index = Object.assign(new Error("index is corrupted"), { code: "XX002" });
    expect(dbErrorOf(data, "the study")).toMatchObject({ code: "NOT_A_DATABASE" });
    expect(dbErrorOf(index, "the study")?.message).toContain("REINDEX");
  });
});

describe("refusing a database leaves it byte-identical", () => {
  it("a valid SQLite file that was never migrated keeps every byte (no WAL switch)", async () => {
    const path = join(dir, "foreign.db");
    const sqlite = new Database(path);
    sqlite.exec("create table foo (x)");
    sqlite.close();
    const before = readFileSync(path);
    await expect(openDatabase({ url: path, create: false })).rejects.toMatchObject({ code: "DATABASE_MISSING" });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("damage in the migrator's tables is NOT_A_DATABASE at open: the file, the count, the first problem, one line", async () => {
    const path = await migratedFile("damaged-open.db");
    damagePages(path, 2, 6);
    const before = readFileSync(path);
    const error = await openDatabase({ url: path, create: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DbError", code: "NOT_A_DATABASE" });
    const { message, details } = error as DbError;
    expect(message).toContain(path);
    expect(message).toMatch(/integrity check found (at least )?\d+( or more)? problems?, the first: Tree \d+ page \d+/);
    expect(message).not.toContain("\n");
    expect(message).not.toContain("migrated");
    expect(details.length).toBeGreaterThan(0);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe("checkIntegrity and checkWritable", () => {
  it("checkIntegrity says it in one line and keeps the full list in details", async () => {
    const path = await migratedFile("damaged-deep.db");
    const sqlite = new Database(path, { readonly: true });
    const { rootpage } = sqlite.prepare("select rootpage from sqlite_master where name = 'days'").get() as { rootpage: number };
    sqlite.close();
    damagePages(path, rootpage, rootpage);
    const handle = await openDatabase({ url: path, create: false });
    try {
      const error = await checkIntegrity(handle).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "NOT_A_DATABASE" });
      const { message, details } = error as DbError;
      expect(message).toContain(path);
      expect(message).toMatch(/found (at least )?\d+( or more)? problems?, the first: Tree \d+ page \d+/);
      expect(message).not.toContain("\n");
      expect(message).not.toContain("*** in database");
      expect(details.length).toBeGreaterThan(0);
    } finally {
      await handle.close();
    }
  });

  it("checkWritable is BUSY with the same wording as busyErrorOf while another connection holds the lock", async () => {
    const path = await migratedFile("held.db");
    const holder = new Database(path);
    holder.exec("begin immediate");
    try {
      const handle = await openDatabase({ url: path, create: false, busyTimeoutMs: 50 });
      const error = await checkWritable(handle).catch((e: unknown) => e);
      await handle.close();
      expect(error).toMatchObject({ code: "BUSY" });
      expect((error as Error).message).toBe(`Another process holds the write lock on ${path} (SQLITE_BUSY) for longer than the busy timeout. Wait for it to finish (or find it with \`fuser ${path}\`) and run again.`);
    } finally {
      holder.exec("rollback");
      holder.close();
    }
  });
});
