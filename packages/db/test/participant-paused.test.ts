import { describe, expect, it } from "vitest";
import { createParticipant, findParticipantById, listNotPolledSince, listParticipants, listWithoutCheckInSince, loadPollSelection, markDayPending, setParticipantPaused, upsertActivities, upsertDay } from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T20:00:00.000Z");
const later = new Date("2026-11-26T08:00:00.000Z");
const dayValues = { plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.2, desiredSteps: null, desiredLabel: null, now };

describe.each(DIALECTS)("pausing a participant on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "paused");
  const activeParticipant = () => createParticipant(database.get().db, { name: uniqueName(), timeZone: "America/Chicago", enrollmentStart: "2026-01-01", status: "active" });

  it("leaves a paused participant, their activities and days out of the poll's selection, and brings them back on resume", async () => {
    const { db } = database.get();
    const p = await activeParticipant();
    await upsertDay(db, { participantId: p.id, localDate: "2026-10-01", ...dayValues });
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues });
    await markDayPending(db, { participantId: p.id, localDate: "2026-10-01", steps: 5, label: "l", backend: "google-health", now });
    await upsertActivities(db, p.id, [{ weconnectActivityId: "9", name: "a9", startsAt: now, durationMinutes: 30, repeat: "daily", repeatEndsAt: null, modifiedAt: now, expiresAt: null }], now);

    await setParticipantPaused(db, p.id, true, now);
    const paused = await loadPollSelection(db, { fromDate: "2026-11-22" });
    expect(paused.participants.some((x) => x.id === p.id)).toBe(false);
    expect(paused.days.some((d) => d.participantId === p.id)).toBe(false);
    expect(paused.activities.some((a) => a.participantId === p.id)).toBe(false);

    await setParticipantPaused(db, p.id, false, later);
    const resumed = await loadPollSelection(db, { fromDate: "2026-11-22" });
    expect(resumed.participants).toContainEqual({ id: p.id, timeZone: "America/Chicago" });
    expect(resumed.days.filter((d) => d.participantId === p.id).map((d) => d.localDate)).toEqual(["2026-10-01", "2026-11-25"]);
    expect(resumed.activities.some((a) => a.participantId === p.id)).toBe(true);
  });

  it("raises no not-polled or no-check-in alert candidate for a paused participant (a pause is deliberate)", async () => {
    const { db } = database.get();
    const p = await activeParticipant();
    const wayLater = new Date(Date.now() + 86_400_000);
    expect(await listNotPolledSince(db, wayLater)).toContain(p.id);
    expect(await listWithoutCheckInSince(db, "2026-11-01")).toContain(p.id);
    await setParticipantPaused(db, p.id, true, now);
    expect(await listNotPolledSince(db, wayLater)).not.toContain(p.id);
    expect(await listWithoutCheckInSince(db, "2026-11-01")).not.toContain(p.id);
  });

  it("keeps the status while paused and the first pause time when paused twice", async () => {
    const { db } = database.get();
    const p = await activeParticipant();
    expect(p.pausedAt).toBeNull();
    const first = await setParticipantPaused(db, p.id, true, now);
    const second = await setParticipantPaused(db, p.id, true, later);
    expect(first).toMatchObject({ changed: true, participant: { status: "active", pausedAt: now } });
    expect(second).toMatchObject({ changed: false, participant: { pausedAt: now } });
    const resumed = await setParticipantPaused(db, p.id, false, later);
    const again = await setParticipantPaused(db, p.id, false, later);
    expect(resumed).toMatchObject({ changed: true, participant: { status: "active", pausedAt: null } });
    expect(again.changed).toBe(false);
    expect((await findParticipantById(db, p.id))?.pausedAt).toBeNull();
  });

  it("filters the participant list by paused or not", async () => {
    const { db } = database.get();
    const a = await activeParticipant();
    const b = await activeParticipant();
    await setParticipantPaused(db, b.id, true, now);
    expect((await listParticipants(db, { ids: [a.id, b.id], paused: false })).map((p) => p.id)).toEqual([a.id]);
    expect((await listParticipants(db, { ids: [a.id, b.id], paused: true })).map((p) => p.id)).toEqual([b.id]);
    expect(await listParticipants(db, { ids: [a.id, b.id] })).toHaveLength(2);
  });

  it("refuses an unknown participant with NOT_FOUND", async () => {
    await expect(setParticipantPaused(database.get().db, 999_999, true, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
