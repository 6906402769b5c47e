// Shared by every test file: one describe block per dialect. SQLite is a temp file; PostgreSQL
// comes from DATABASE_URL with a fresh schema per test file, dropped afterwards. A missing
// PostgreSQL fails the run: it is never skipped.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll } from "vitest";
import { migrateToLatest, openDatabase, parseEncryptionKey, type DatabaseHandle, type DialectName, type EncryptionKeys } from "../src/index.js";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
export const DIALECTS: readonly DialectName[] = ["sqlite", "postgres"];

/** A fixed test key (never a real one). */
export const KEYS: EncryptionKeys = {
  current: { id: "test1", key: parseEncryptionKey(Buffer.alloc(32, 7).toString("base64")) },
};

/** Where one dialect's database for a test file lives. */
export interface TestTarget {
  dialect: DialectName;
  /** SQLite file path, or the PG URL. */
  url: string;
  /** PG schema (undefined on SQLite). */
  schema: string | undefined;
  /** SQLite temp directory (undefined on PG). */
  dir: string | undefined;
}

/** A fresh, empty target for `dialect`. */
export function newTarget(dialect: DialectName, tag: string): TestTarget {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `pt-db-${tag}-`));
    return { dialect, url: join(dir, "test.db"), schema: undefined, dir };
  }
  return { dialect, url: DATABASE_URL, schema: `t_${tag}_${randomBytes(4).toString("hex")}`, dir: undefined };
}

/** Opens a handle on a target. */
export function openTarget(target: TestTarget, keys: EncryptionKeys | undefined = KEYS): Promise<DatabaseHandle> {
  return openDatabase({ url: target.url, schema: target.schema, keys, poolSize: 4 });
}

/** Removes a target (drops the PG schema, deletes the SQLite directory). */
export async function dropTarget(target: TestTarget): Promise<void> {
  if (target.dir) rmSync(target.dir, { recursive: true, force: true });
  if (target.schema) {
    const admin = await openDatabase({ url: target.url });
    await sql`drop schema if exists ${sql.id(target.schema)} cascade`.execute(admin.db);
    await admin.close();
  }
}

/** A migrated database for the current describe block; `get()` inside tests. */
export function useMigratedDatabase(dialect: DialectName, tag: string): { get(): DatabaseHandle; target(): TestTarget } {
  let handle: DatabaseHandle | undefined;
  let target: TestTarget | undefined;
  beforeAll(async () => {
    target = newTarget(dialect, tag);
    handle = await openTarget(target);
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    if (target) await dropTarget(target);
  });
  return {
    get: () => {
      if (!handle) throw new Error("database not open");
      return handle;
    },
    target: () => {
      if (!target) throw new Error("database not open");
      return target;
    },
  };
}

let counter = 0;
/** A participant name unique within the run. */
export function uniqueName(prefix = "p"): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(3).toString("hex")}`;
}
