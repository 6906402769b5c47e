// Kysely's stock introspector reads every schema's tables; a schema dropped by another session
// mid-read made migrations fail with "schema … does not exist" (seen between parallel test files).
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest, migrationNames, migrationStatus, openDatabase } from "../src/index.js";
import { DATABASE_URL, dropTarget, newTarget, openTarget } from "./_dialects.js";

describe("migrations on PostgreSQL while other sessions create and drop schemas", () => {
  it("migrate and status see only their own schema and never fail on another one's drop", async () => {
    const churner = await openDatabase({ url: DATABASE_URL });
    let churning = true;
    let churned = 0;
    const churn = (async () => {
      while (churning) {
        const name = `t_churn_${churned++}_${process.pid}`;
        await sql`create schema ${sql.id(name)}`.execute(churner.db);
        for (let i = 0; i < 20; i++) await sql`create table ${sql.id(name, `t${i}`)} (id int primary key, a text, b text)`.execute(churner.db);
        await sql`drop schema ${sql.id(name)} cascade`.execute(churner.db);
      }
    })();
    const targets = Array.from({ length: 6 }, () => newTarget("postgres", "churn"));
    try {
      for (const target of targets) {
        const handle = await openTarget(target);
        try {
          expect((await migrateToLatest(handle.db)).applied).toEqual([...migrationNames]);
          expect((await migrationStatus(handle.db)).every((m) => m.executedAt instanceof Date)).toBe(true);
        } finally {
          await handle.close();
        }
      }
    } finally {
      churning = false;
      await churn;
      await churner.close();
      for (const target of targets) await dropTarget(target);
    }
    expect(churned).toBeGreaterThan(0);
  }, 120_000);
});
