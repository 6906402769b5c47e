import { describe, expect, it } from "vitest";
import { createParticipant, loadMaintenanceBatch, saveTrackerAccount, upsertActivities, upsertDay, upsertEvents, type ActivityInput } from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const t0 = new Date("2026-11-25T14:00:00.000Z");
const activity = (id: string): ActivityInput => ({ weconnectActivityId: id, name: `Activity ${id}`, startsAt: t0, durationMinutes: 60, repeat: "daily", repeatEndsAt: null, modifiedAt: t0, expiresAt: null });
const event = (id: string, localDate: string, checkedIn = false) => ({ occurrenceId: `e${id}-${localDate}`, weconnectActivityId: id, localDate, startsAt: t0, endsAt: new Date(t0.getTime() + 3_600_000), checkedIn });

describe.each(DIALECTS)("loadMaintenanceBatch on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "maintenance_batch");

  it("reads each participant's tracker expiry, activities, and only their own date's events and day row", async () => {
    const { db, keys } = database.get();
    const ana = await createParticipant(db, { name: uniqueName(), timeZone: "America/Chicago", enrollmentStart: "2026-11-20" });
    const ben = await createParticipant(db, { name: uniqueName(), timeZone: "Asia/Tokyo", enrollmentStart: "2026-11-20" });
    const expiresAt = new Date("2026-11-25T15:00:00.000Z");
    const account = await saveTrackerAccount(db, keys, { participantId: ana.id, backend: "google-health", accessToken: "a".repeat(40), refreshToken: "r".repeat(40), expiresAt, scopes: ["activity.read"], now: t0 });
    await upsertActivities(db, ana.id, [activity("1"), activity("2")], t0);
    await upsertActivities(db, ben.id, [activity("1")], t0);
    await upsertEvents(db, ana.id, [event("1", "2026-11-25", true), event("2", "2026-11-25"), event("1", "2026-11-26")], t0);
    await upsertEvents(db, ben.id, [event("1", "2026-11-25"), event("1", "2026-11-26")], t0);
    await upsertDay(db, { participantId: ana.id, localDate: "2026-11-25", plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0, desiredSteps: null, desiredLabel: null, now: t0 });
    await upsertDay(db, { participantId: ben.id, localDate: "2026-11-25", plannedCount: 1, completedCount: 0, dailyProgress: 0, weeklyProgress: 0, desiredSteps: null, desiredLabel: null, now: t0 });

    const batch = await loadMaintenanceBatch(db, [
      { participantId: ana.id, localDate: "2026-11-25" },
      { participantId: ben.id, localDate: "2026-11-26" },
    ]);
    expect(batch.trackerAccounts.get(ana.id)).toEqual([{ id: account.id, participantId: ana.id, backend: "google-health", status: "active", expiresAt }]);
    expect(batch.trackerAccounts.has(ben.id)).toBe(false);
    expect(batch.activities.get(ana.id)?.map((a) => a.weconnectActivityId)).toEqual(["1", "2"]);
    expect(batch.activities.get(ben.id)?.map((a) => a.weconnectActivityId)).toEqual(["1"]);
    expect(batch.events.get(ana.id)?.map((e) => [e.occurrenceId, e.checkedIn]).sort()).toEqual([["e1-2026-11-25", true], ["e2-2026-11-25", false]]);
    expect(batch.events.get(ben.id)?.map((e) => e.occurrenceId)).toEqual(["e1-2026-11-26"]);
    expect([...batch.withDay]).toEqual([ana.id]);
    expect(JSON.stringify([...batch.trackerAccounts.values()])).not.toContain("a".repeat(40));
  });

  it("answers an empty batch without a query failing", async () => {
    const batch = await loadMaintenanceBatch(database.get().db, []);
    expect([batch.trackerAccounts.size, batch.activities.size, batch.events.size, batch.withDay.size]).toEqual([0, 0, 0, 0]);
  });

  it("refuses a malformed local date", async () => {
    await expect(loadMaintenanceBatch(database.get().db, [{ participantId: 1, localDate: "25/11/2026" }])).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
