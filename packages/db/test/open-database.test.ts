import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { DbError, isDbError, migrateToLatest, openDatabase } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pt-db-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openDatabase on SQLite", () => {
  it("creates a file with WAL, a busy timeout and foreign keys on", async () => {
    const handle = await openDatabase({ url: join(dir, "new.db"), busyTimeoutMs: 1234 });
    expect(handle.dialect).toBe("sqlite");
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(handle.db);
    expect(mode.rows[0]?.journal_mode).toBe("wal");
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    // SQLite's own handler gets only a 20 ms slice (it blocks the event loop); the rest of the
    // 1,234 ms is waited asynchronously, as test/sqlite-busy-wait.test.ts shows.
    expect(timeout.rows[0]?.timeout).toBe(20);
    await handle.close();
  });

  it("accepts sqlite: and file: URLs for the same file", async () => {
    const path = join(dir, "urls.db");
    for (const url of [`sqlite:${path}`, pathToFileURL(path).href, `file:${path}`]) {
      const handle = await openDatabase({ url });
      await migrateToLatest(handle.db);
      await handle.close();
    }
    expect(readFileSync(path).subarray(0, 15).toString()).toBe("SQLite format 3");
  });

  it("refuses a text file with NOT_A_DATABASE and leaves it byte for byte as it was", async () => {
    const path = join(dir, "notes.txt");
    const text = "participant notes, not a database\n".repeat(200);
    writeFileSync(path, text);
    await expect(openDatabase({ url: path })).rejects.toMatchObject({ code: "NOT_A_DATABASE" });
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("refuses a damaged SQLite file with NOT_A_DATABASE and does not touch it", async () => {
    const path = join(dir, "damaged.db");
    const bytes = Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(4080, 0xab)]);
    writeFileSync(path, bytes);
    await expect(openDatabase({ url: path })).rejects.toMatchObject({ code: "NOT_A_DATABASE" });
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("refuses a directory, and a path whose directory is missing, with what to do", async () => {
    await expect(openDatabase({ url: dir })).rejects.toMatchObject({ code: "NOT_A_DATABASE" });
    await expect(openDatabase({ url: join(dir, "missing", "x.db") })).rejects.toMatchObject({ code: "CONNECTION_FAILED", message: expect.stringContaining("directory") });
  });

  it("refuses an empty or unsupported URL with INVALID_INPUT", async () => {
    await expect(openDatabase({ url: "" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(openDatabase({ url: "mysql://u:hunter2@host/db" })).rejects.toSatisfy((e: unknown) => isDbError(e) && e.code === "INVALID_INPUT" && !String(e).includes("hunter2"));
  });
});

describe("openDatabase on PostgreSQL", () => {
  it("reports an unreachable server as CONNECTION_FAILED without the password", async () => {
    const error: unknown = await openDatabase({ url: "postgres://root:hunter2@127.0.0.1:1/test", connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONNECTION_FAILED" });
    expect(String(error)).toContain("postgres://root:***@127.0.0.1:1/test");
    expect(String(error)).not.toContain("hunter2");
    expect((error as Error).cause).toBeUndefined();
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(openDatabase({ url: "postgres://root@127.0.0.1:5432/test", schema: 'x"; drop table y; --' })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe("isDbError", () => {
  it("recognises DbErrors by name and code, also from another copy of the class", () => {
    expect(isDbError(new DbError("NOT_FOUND", "x"))).toBe(true);
    expect(isDbError(Object.assign(new Error("x"), { name: "DbError", code: "CONFLICT" }))).toBe(true);
    expect(isDbError(Object.assign(new Error("x"), { name: "DbError", code: "SOMETHING" }))).toBe(false);
    expect(isDbError(new Error("x"))).toBe(false);
    expect(isDbError(null)).toBe(false);
  });
});
