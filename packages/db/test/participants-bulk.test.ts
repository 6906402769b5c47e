import { describe, expect, it } from "vitest";
import { findParticipantByName, findTakenParticipantNames, insertParticipants, listParticipants } from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T15:00:00.000Z");

describe.each(DIALECTS)("bulk participants on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "bulk");

  it("inserts thousands in multi-row statements and returns them in input order", async () => {
    const { db } = database.get();
    const prefix = uniqueName();
    const inputs = Array.from({ length: 7_001 }, (_, i) => ({ name: `${prefix}-${i}`, timeZone: i % 2 ? "America/Chicago" : "UTC", enrollmentStart: "2026-12-01", mapping: "plan" as const, goalSteps: i }));
    const created = await db.transaction().execute((trx) => insertParticipants(trx, inputs, now));
    expect(created).toHaveLength(7_001);
    expect(created.map((p) => p.name)).toEqual(inputs.map((i) => i.name));
    expect(created[5]).toMatchObject({ timeZone: "America/Chicago", goalSteps: 5, mapping: "plan", status: "needs-weconnect-signin", stepsPerUnit: 25_000, enrollmentEnd: null });
    expect(created[5]?.createdAt).toEqual(now);
    expect(await findParticipantByName(db, `${prefix}-7000`)).toEqual(created[7_000]);
    expect(new Set(created.map((p) => p.id)).size).toBe(7_001);
  });

  it("names the taken names among any number given", async () => {
    const { db } = database.get();
    const [a] = await insertParticipants(db, [{ name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-12-01" }]);
    const names = [...Array.from({ length: 40_000 }, () => uniqueName()), a?.name as string];
    expect(await findTakenParticipantNames(db, names)).toEqual([a?.name]);
    expect(await findTakenParticipantNames(db, [])).toEqual([]);
  });

  it("refuses a taken name with CONFLICT and leaves the caller's transaction to roll back everything", async () => {
    const { db } = database.get();
    const [taken] = await insertParticipants(db, [{ name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-12-01" }]);
    const fresh = uniqueName();
    const before = (await listParticipants(db)).length;
    await expect(
      db.transaction().execute(async (trx) => {
        await insertParticipants(trx, [{ name: fresh, timeZone: "UTC", enrollmentStart: "2026-12-01" }]);
        await insertParticipants(trx, [{ name: taken?.name as string, timeZone: "UTC", enrollmentStart: "2026-12-01" }]);
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await findParticipantByName(db, fresh)).toBeNull();
    expect((await listParticipants(db)).length).toBe(before);
  });

  it("refuses bad input naming its index, before writing anything", async () => {
    const { db } = database.get();
    const ok = uniqueName();
    await expect(insertParticipants(db, [{ name: ok, timeZone: "UTC", enrollmentStart: "2026-12-01" }, { name: uniqueName(), timeZone: "Mars/Olympus", enrollmentStart: "2026-12-01" }])).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("inputs[1]"),
    });
    await expect(insertParticipants(db, [{ name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-12-01", goalSteps: -1 }])).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(insertParticipants(db, [{ name: "", timeZone: "UTC", enrollmentStart: "2026-12-01" }])).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await findParticipantByName(db, ok)).toBeNull();
  });
});
