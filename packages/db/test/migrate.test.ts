import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createParticipant, listParticipants, migrateTo, migrateToLatest, migrationNames, migrationStatus, claimLeases } from "../src/index.js";
import { DIALECTS, dropTarget, newTarget, openTarget } from "./_dialects.js";

describe.each(DIALECTS)("migrations on %s", (dialect) => {
  it("applies every migration once, then none, and reports their status", async () => {
    const target = newTarget(dialect, "migrate");
    const handle = await openTarget(target);
    try {
      expect((await migrationStatus(handle.db)).every((m) => m.executedAt === null)).toBe(true);
      expect((await migrateToLatest(handle.db)).applied).toEqual([...migrationNames]);
      expect((await migrateToLatest(handle.db)).applied).toEqual([]);
      const status = await migrationStatus(handle.db);
      expect(status.map((m) => m.name)).toEqual([...migrationNames]);
      expect(status.every((m) => m.executedAt instanceof Date)).toBe(true);
      expect(migrationNames.length).toBeGreaterThanOrEqual(2);
    } finally {
      await handle.close();
      await dropTarget(target);
    }
  });

  it.each(migrationNames.slice(0, -1))("upgrades a database left at %s, keeping its rows", async (name) => {
    const target = newTarget(dialect, "upgrade");
    const handle = await openTarget(target);
    try {
      await migrateTo(handle.db, name);
      const p = await createParticipant(handle.db, { name: "kept", timeZone: "UTC", enrollmentStart: "2026-11-25", status: "active" });
      const { applied } = await migrateToLatest(handle.db);
      expect(applied).toEqual(migrationNames.slice(migrationNames.indexOf(name) + 1));
      expect((await listParticipants(handle.db)).map((x) => x.id)).toEqual([p.id]);
      // The newest schema works on the upgraded data.
      expect(await claimLeases(handle.db, { participantIds: [p.id], job: "poll", owner: "a", leaseMs: 1_000 })).toEqual([p.id]);
    } finally {
      await handle.close();
      await dropTarget(target);
    }
  });

  it("migrates down to nothing and back up", async () => {
    const target = newTarget(dialect, "down");
    const handle = await openTarget(target);
    try {
      await migrateToLatest(handle.db);
      await migrateTo(handle.db, null);
      expect((await migrationStatus(handle.db)).every((m) => m.executedAt === null)).toBe(true);
      await migrateToLatest(handle.db);
      await expect(migrateTo(handle.db, "2099_nope")).rejects.toMatchObject({ code: "INVALID_INPUT" });
    } finally {
      await handle.close();
      await dropTarget(target);
    }
  });

  it("throws MIGRATION_FAILED when a migration cannot run, naming it", async () => {
    const target = newTarget(dialect, "fail");
    const handle = await openTarget(target);
    try {
      const first = migrationNames[0] as string;
      await migrateTo(handle.db, first);
      await sql`create table leases (x integer)`.execute(handle.db);
      await expect(migrateToLatest(handle.db)).rejects.toMatchObject({ code: "MIGRATION_FAILED", message: expect.stringContaining(migrationNames[1] as string) });
      const status = await migrationStatus(handle.db);
      expect(status.find((m) => m.name === migrationNames[1])?.executedAt).toBeNull();
    } finally {
      await handle.close();
      await dropTarget(target);
    }
  });
});
