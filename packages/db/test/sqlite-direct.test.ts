import { describe, expect, it } from "vitest";
import { createParticipant, getDay, touchDay, upsertDay } from "../src/index.js";
import { directSqliteOf } from "../src/_sqlite-direct.js";
import { uniqueName, useMigratedDatabase } from "./_dialects.js";

const base = { localDate: "2026-11-25", plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.1, desiredSteps: null, desiredLabel: null };
const early = new Date("2026-11-25T10:00:00.000Z");
const later = new Date("2026-11-25T12:00:00.000Z");

// Fixed statements run on the SQLite connection directly only when kysely would run them at once.
describe("fixed statements run directly on SQLite", () => {
  const database = useMigratedDatabase("sqlite", "direct");

  it("inside a transaction: rolled back with it", async () => {
    const { db } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await upsertDay(db, { participantId: p.id, ...base, now: early });
    await expect(
      db.transaction().execute(async (trx) => {
        expect(directSqliteOf(trx)).toBeDefined();
        await touchDay(trx, { participantId: p.id, localDate: "2026-11-25", now: later });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await getDay(db, p.id, "2026-11-25"))?.updatedAt).toEqual(early);
  });

  it("on the plain db while another caller's transaction is open: waits for it, never joins it", async () => {
    const { db } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    const other = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await upsertDay(db, { participantId: p.id, ...base, now: early });
    await upsertDay(db, { participantId: other.id, ...base, now: early });
    let touched: Promise<unknown> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await touchDay(trx, { participantId: other.id, localDate: "2026-11-25", now: later });
        // Another participant's touch while this transaction is open (between its awaits).
        expect(directSqliteOf(db)).toBeUndefined();
        touched = touchDay(db, { participantId: p.id, localDate: "2026-11-25", now: later });
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await touched;
    expect((await getDay(db, p.id, "2026-11-25"))?.updatedAt).toEqual(later);
    expect((await getDay(db, other.id, "2026-11-25"))?.updatedAt).toEqual(early);
    expect(directSqliteOf(db)).toBeDefined();
  });
});
