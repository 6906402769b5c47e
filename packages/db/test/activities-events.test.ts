import { describe, expect, it } from "vitest";
import {
  createParticipant,
  deleteActivitiesNotIn,
  deleteExpiredActivities,
  listActivities,
  listEvents,
  setActivityWeight,
  upsertActivities,
  upsertEvents,
  type ActivityInput,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const t0 = new Date("2026-11-25T14:00:00.000Z");

function activity(id: string, extra: Partial<ActivityInput> = {}): ActivityInput {
  return { weconnectActivityId: id, name: `Activity ${id}`, startsAt: t0, durationMinutes: 60, repeat: "daily", repeatEndsAt: null, modifiedAt: t0, expiresAt: null, ...extra };
}

describe.each(DIALECTS)("activities and events on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "activities");
  const participant = () => createParticipant(database.get().db, { name: uniqueName(), timeZone: "America/Chicago", enrollmentStart: "2026-11-25" });

  it("upserts a batch larger than one chunk and updates known activities without touching their weight", async () => {
    const { db } = database.get();
    const p = await participant();
    const many = Array.from({ length: 5_000 }, (_, i) => activity(String(i)));
    expect(await upsertActivities(db, p.id, many, t0)).toBe(5_000);
    await setActivityWeight(db, { participantId: p.id, weconnectActivityId: "7", weight: 5 });
    const later = new Date(t0.getTime() + 86_400_000);
    await upsertActivities(db, p.id, [activity("7", { name: "Renamed", modifiedAt: later, weight: 1 })], later);
    const all = await listActivities(db, p.id);
    expect(all).toHaveLength(5_000);
    expect(all.find((a) => a.weconnectActivityId === "7")).toMatchObject({ name: "Renamed", weight: 5, modifiedAt: later, createdAt: t0, updatedAt: later });
    expect(all.find((a) => a.weconnectActivityId === "8")).toMatchObject({ weight: 3, startsAt: t0, expiresAt: null, repeatEndsAt: null });
  });

  it("keeps the same WEconnect activity id apart for two participants", async () => {
    const { db } = database.get();
    const a = await participant();
    const b = await participant();
    await upsertActivities(db, a.id, [activity("4211", { name: "A's meeting" })]);
    await upsertActivities(db, b.id, [activity("4211", { name: "B's meeting" })]);
    expect((await listActivities(db, a.id)).map((x) => x.name)).toEqual(["A's meeting"]);
    expect((await listActivities(db, b.id)).map((x) => x.name)).toEqual(["B's meeting"]);
  });

  it("refuses a weight outside 1..5 and a whole batch with one bad row", async () => {
    const { db } = database.get();
    const p = await participant();
    await expect(upsertActivities(db, p.id, [activity("1"), activity("2", { weight: 9 })])).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await listActivities(db, p.id)).toEqual([]);
    await upsertActivities(db, p.id, [activity("1")]);
    await expect(setActivityWeight(db, { participantId: p.id, weconnectActivityId: "1", weight: 0 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(setActivityWeight(db, { participantId: p.id, weconnectActivityId: "nope", weight: 2 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("upserts events, lists a day's with activity name and weight, and writes an un-check-in back", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertActivities(db, p.id, [activity("10", { weight: 4 }), activity("11")]);
    const ev = (id: string, act: string, date: string, hour: number, checkedIn: boolean) => ({
      occurrenceId: id,
      weconnectActivityId: act,
      localDate: date,
      startsAt: new Date(`${date}T${String(hour).padStart(2, "0")}:00:00.000Z`),
      endsAt: new Date(`${date}T${String(hour + 1).padStart(2, "0")}:00:00.000Z`),
      checkedIn,
    });
    await upsertEvents(db, p.id, [ev("10-20261125", "10", "2026-11-25", 15, true), ev("11-20261125", "11", "2026-11-25", 14, false), ev("10-20261126", "10", "2026-11-26", 15, false)]);
    const day = await listEvents(db, { participantId: p.id, localDate: "2026-11-25" });
    expect(day.map((e) => [e.occurrenceId, e.weight, e.checkedIn])).toEqual([["11-20261125", 3, false], ["10-20261125", 4, true]]);
    expect(day[1]).toMatchObject({ activityName: "Activity 10", weconnectActivityId: "10", startsAt: new Date("2026-11-25T15:00:00.000Z") });

    await upsertEvents(db, p.id, [ev("10-20261125", "10", "2026-11-25", 15, false)]);
    expect((await listEvents(db, { participantId: p.id, localDate: "2026-11-25" })).map((e) => e.checkedIn)).toEqual([false, false]);
    expect(await listEvents(db, { participantId: p.id, from: "2026-11-25", to: "2026-11-26" })).toHaveLength(3);
  });

  it("refuses events of an unknown activity and writes none of the batch", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertActivities(db, p.id, [activity("1")]);
    const good = { occurrenceId: "1-a", weconnectActivityId: "1", localDate: "2026-11-25", startsAt: t0, endsAt: t0, checkedIn: false };
    await expect(upsertEvents(db, p.id, [good, { ...good, occurrenceId: "2-a", weconnectActivityId: "2" }])).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await listEvents(db, { participantId: p.id })).toEqual([]);
  });

  it("upserts more events than one chunk holds", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertActivities(db, p.id, [activity("1")]);
    const events = Array.from({ length: 6_000 }, (_, i) => ({ occurrenceId: `1-${i}`, weconnectActivityId: "1", localDate: "2026-11-25", startsAt: t0, endsAt: t0, checkedIn: i % 2 === 0 }));
    expect(await upsertEvents(db, p.id, events)).toBe(6_000);
    expect(await listEvents(db, { participantId: p.id, localDate: "2026-11-25" })).toHaveLength(6_000);
  });

  it("deletes expired activities with their events, and activities gone from WEconnect", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertActivities(db, p.id, [
      activity("old", { repeat: "never", expiresAt: new Date("2026-11-01T00:00:00.000Z") }),
      activity("open"),
      activity("soon", { expiresAt: new Date("2026-12-31T00:00:00.000Z") }),
      activity("gone"),
    ]);
    await upsertEvents(db, p.id, [{ occurrenceId: "old-1", weconnectActivityId: "old", localDate: "2026-10-31", startsAt: t0, endsAt: t0, checkedIn: true }]);
    expect(await deleteExpiredActivities(db, { expiredBefore: t0, participantId: p.id })).toBe(1);
    expect(await listEvents(db, { participantId: p.id })).toEqual([]);
    expect(await deleteActivitiesNotIn(db, p.id, ["open", "soon"])).toBe(1);
    expect((await listActivities(db, p.id)).map((a) => a.weconnectActivityId)).toEqual(["open", "soon"]);
  });
});
