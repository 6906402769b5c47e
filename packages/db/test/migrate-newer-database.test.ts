import { readFileSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createParticipant, DbError, migrateTo, migrateToLatest, migrationNames, migrationStatus, newerMigrations, openDatabase } from "../src/index.js";
import { DIALECTS, dropTarget, newTarget, openTarget } from "./_dialects.js";

// What an operator meets after going back to an older PowerToken: kysely called the newer
// migration "corrupted" and the message blamed the disk.
describe.each(DIALECTS)("a database migrated by a newer PowerToken, on %s", (dialect) => {
  it("is refused before anything runs, naming the unknown migrations and what to do", async () => {
    const target = newTarget(dialect, "newer");
    const handle = await openTarget(target);
    try {
      const last = migrationNames[migrationNames.length - 1] as string;
      expect(await newerMigrations(handle.db)).toEqual([]); // no migration table yet
      await migrateTo(handle.db, migrationNames[migrationNames.length - 2] as string);
      expect(await newerMigrations(handle.db)).toEqual([]);
      await sql`insert into kysely_migration (name, timestamp) values ('9999_future_migration', '2027-01-01T00:00:00.000Z')`.execute(handle.db);
      await sql`insert into kysely_migration (name, timestamp) values ('9998_other_future', '2027-01-01T00:00:00.000Z')`.execute(handle.db);

      expect(await newerMigrations(handle.db)).toEqual(["9998_other_future", "9999_future_migration"]);
      const error = (await migrateToLatest(handle.db).catch((e: unknown) => e)) as DbError;
      expect(error).toBeInstanceOf(DbError);
      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.message).toBe(
        "This database was migrated by a newer PowerToken (applied migrations this version does not know: 9998_other_future, 9999_future_migration); nothing was migrated. Run that newer version, or restore a backup taken before the upgrade.",
      );
      expect(error.details).toEqual(["9998_other_future", "9999_future_migration"]);
      await expect(migrateTo(handle.db, null)).rejects.toMatchObject({ code: "MIGRATION_FAILED", message: expect.stringContaining("newer PowerToken") });
      // Nothing ran: the pending migration is still pending.
      expect((await migrationStatus(handle.db)).find((m) => m.name === last)?.executedAt).toBeNull();
    } finally {
      await handle.close();
      await dropTarget(target);
    }
  });
});

describe("a damaged page met by a migration (SQLite)", () => {
  it("is NOT_A_DATABASE naming the file, worded as at open, not 'nothing was migrated'", async () => {
    const target = newTarget("sqlite", "damaged-migration");
    try {
      const handle = await openTarget(target);
      // Before the migration that indexes participants, with a row on the table's page.
      await migrateTo(handle.db, "2026_11_30_030_create_tracker_refresh_locks");
      await createParticipant(handle.db, { name: "kept", timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
      await sql`pragma wal_checkpoint(truncate)`.execute(handle.db);
      await handle.close();

      const sqlite = new Database(target.url, { readonly: true });
      const { rootpage } = sqlite.prepare("select rootpage from sqlite_master where name = 'participants'").get() as { rootpage: number };
      sqlite.close();
      const bytes = readFileSync(target.url);
      const pageSize = bytes.readUInt16BE(16);
      bytes.fill(0xa5, (rootpage - 1) * pageSize, rootpage * pageSize);
      writeFileSync(target.url, bytes);

      const damaged = await openDatabase({ url: target.url });
      try {
        const error = (await migrateToLatest(damaged.db).catch((e: unknown) => e)) as DbError;
        expect(error).toMatchObject({ name: "DbError", code: "NOT_A_DATABASE" });
        expect(error.message).toMatch(/^\S*test\.db is damaged \(SQLITE_CORRUPT\w*\): SQLite cannot read some of its pages\. Restore it from a backup/);
        expect(error.message).not.toContain("nothing was migrated");
        expect(error.message).not.toContain("\n");
      } finally {
        await damaged.close();
      }
    } finally {
      await dropTarget(target);
    }
  });
});
