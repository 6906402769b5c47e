import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { checkIntegrity, checkWritable, migrateToLatest, openDatabase } from "../src/index.js";
import { DATABASE_URL } from "./_dialects.js";

const dir = mkdtempSync(join(tmpdir(), "pt-db-existing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openDatabase with create: false (what jobs open)", () => {
  it("refuses a missing SQLite file with DATABASE_MISSING naming the file and the remedy, and creates nothing", async () => {
    const path = join(dir, "gone.db");
    const error = await openDatabase({ url: path, create: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DbError", code: "DATABASE_MISSING" });
    expect(String(error)).toContain(path);
    expect(String(error)).toContain("powertoken db migrate");
    expect(existsSync(path)).toBe(false);
  });

  it("refuses a zero-byte file and leaves it at zero bytes", async () => {
    const path = join(dir, "empty.db");
    writeFileSync(path, "");
    await expect(openDatabase({ url: path, create: false })).rejects.toMatchObject({ code: "DATABASE_MISSING" });
    expect(readFileSync(path).length).toBe(0);
  });

  it("refuses a SQLite file that was never migrated", async () => {
    const path = join(dir, "bare.db");
    new Database(path).exec("create table other (x int)");
    await expect(openDatabase({ url: path, create: false })).rejects.toMatchObject({ code: "DATABASE_MISSING" });
  });

  it("opens a migrated file", async () => {
    const path = join(dir, "ok.db");
    const created = await openDatabase({ url: path });
    await migrateToLatest(created.db);
    await created.close();
    const handle = await openDatabase({ url: path, create: false });
    await checkWritable(handle);
    await handle.close();
  });

  it("reports BUSY within the busy timeout while another process holds the write lock", async () => {
    const path = join(dir, "locked.db");
    const created = await openDatabase({ url: path });
    await migrateToLatest(created.db);
    await created.close();
    const holder = new Database(path);
    holder.exec("begin immediate");
    try {
      const handle = await openDatabase({ url: path, create: false, busyTimeoutMs: 200 });
      const started = Date.now();
      await expect(checkWritable(handle)).rejects.toMatchObject({ code: "BUSY" });
      expect(Date.now() - started).toBeLessThan(3_000);
      await handle.close();
    } finally {
      holder.exec("rollback");
      holder.close();
    }
  });

  it("checkIntegrity passes a sound file and names damaged pages as NOT_A_DATABASE", async () => {
    const path = join(dir, "damaged.db");
    const created = await openDatabase({ url: path });
    await migrateToLatest(created.db);
    await checkIntegrity(created);
    await created.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 4096, Math.min(bytes.length, 4096 * 6));
    writeFileSync(path, bytes);
    const handle = await openDatabase({ url: path, create: false }).catch((e: unknown) => e);
    if (handle instanceof Error) expect(handle).toMatchObject({ code: "NOT_A_DATABASE" });
    else {
      await expect(checkIntegrity(handle as Awaited<ReturnType<typeof openDatabase>>)).rejects.toMatchObject({ code: "NOT_A_DATABASE" });
      await (handle as Awaited<ReturnType<typeof openDatabase>>).close();
    }
  });

  it("refuses a PostgreSQL schema that does not exist, without creating it", async () => {
    const schema = `t_missing_${randomBytes(4).toString("hex")}`;
    await expect(openDatabase({ url: DATABASE_URL, schema, create: false })).rejects.toMatchObject({ code: "DATABASE_MISSING" });
    // Asked twice: the first refusal must not have created it.
    await expect(openDatabase({ url: DATABASE_URL, schema, create: false })).rejects.toMatchObject({ code: "DATABASE_MISSING" });
  });
});
