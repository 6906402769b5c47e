import { describe, expect, it } from "vitest";
import {
  createParticipant,
  findParticipantById,
  findParticipantByName,
  listAudit,
  listIncompleteParticipants,
  listParticipants,
  removeParticipant,
  saveTrackerAccount,
  saveWeconnectAccount,
  updateParticipant,
  upsertActivities,
  upsertDay,
  recordError,
  listErrors,
  listActivities,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T15:00:00.000Z");

describe.each(DIALECTS)("participants on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "participants");

  it("creates a participant with defaults and finds it by id and by name", async () => {
    const { db } = database.get();
    const name = uniqueName();
    const created = await createParticipant(db, { name, timeZone: "America/Chicago", enrollmentStart: "2026-11-25", now });
    expect(created).toMatchObject({ name, timeZone: "America/Chicago", status: "needs-weconnect-signin", mapping: "tally", goalSteps: 100_000, stepsPerUnit: 25_000, enrollmentEnd: null });
    expect(created.createdAt).toEqual(now);
    expect(await findParticipantById(db, created.id)).toEqual(created);
    expect(await findParticipantByName(db, name)).toEqual(created);
    expect(await findParticipantById(db, 999_999)).toBeNull();
  });

  it("refuses a duplicate name with CONFLICT and a bad time zone with INVALID_INPUT", async () => {
    const { db } = database.get();
    const name = uniqueName();
    await createParticipant(db, { name, timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await expect(createParticipant(db, { name, timeZone: "UTC", enrollmentStart: "2026-11-25" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createParticipant(db, { name: uniqueName(), timeZone: "Mars/Olympus", enrollmentStart: "2026-11-25" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "25/11/2026" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("updates some fields, bumps updatedAt, and reports NOT_FOUND and CONFLICT", async () => {
    const { db } = database.get();
    const a = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", now });
    const b = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", now });
    const later = new Date(now.getTime() + 60_000);
    const updated = await updateParticipant(db, a.id, { status: "active", mapping: "charge", stepsPerUnit: 10_000, enrollmentEnd: "2026-12-23", now: later });
    expect(updated).toMatchObject({ status: "active", mapping: "charge", stepsPerUnit: 10_000, enrollmentEnd: "2026-12-23", name: a.name });
    expect(updated.updatedAt).toEqual(later);
    await expect(updateParticipant(db, 999_999, { status: "ended" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateParticipant(db, a.id, { name: b.name })).rejects.toMatchObject({ code: "CONFLICT" });
    const active = await listParticipants(db, { statuses: ["active"] });
    expect(active.map((p) => p.id)).toContain(a.id);
    expect(active.map((p) => p.id)).not.toContain(b.id);
    expect(await listParticipants(db, { ids: [b.id] })).toEqual([b]);
  });

  it("removes a participant with all their rows in one transaction and appends an audit row", async () => {
    const handle = database.get();
    const { db } = handle;
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25" });
    await saveWeconnectAccount(db, handle.keys, { participantId: p.id, personId: "42", accessToken: "wc-secret" });
    await saveTrackerAccount(db, handle.keys, { participantId: p.id, backend: "google-health", accessToken: "at", refreshToken: "rt", expiresAt: now, scopes: ["a"] });
    await upsertActivities(db, p.id, [{ weconnectActivityId: "1", name: "Meeting", startsAt: now, durationMinutes: 60, repeat: "daily", repeatEndsAt: null, modifiedAt: now, expiresAt: null }]);
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", plannedCount: 1, completedCount: 0, dailyProgress: 0, weeklyProgress: 0, desiredSteps: 0, desiredLabel: "0 of 1" });
    await recordError(db, { participantId: p.id, origin: "poll", code: "NETWORK", message: "x" });

    const removed = await removeParticipant(db, { participantId: p.id, reason: "incomplete sign-up", now });
    expect(removed.id).toBe(p.id);
    expect(await findParticipantById(db, p.id)).toBeNull();
    expect(await listActivities(db, p.id)).toEqual([]);
    expect(await listErrors(db, { participantId: p.id })).toEqual([]);
    for (const table of ["weconnect_accounts", "tracker_accounts", "days"] as const) {
      const rows = await db.selectFrom(table).select("id").where("participant_id", "=", p.id).execute();
      expect(rows).toEqual([]);
    }
    const audit = await listAudit(db, { participantId: p.id });
    expect(audit).toEqual([expect.objectContaining({ action: "participant-removed", participantName: p.name, outcome: "ok", detail: "incomplete sign-up" })]);
    await expect(removeParticipant(db, { participantId: p.id, reason: "again" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists as incomplete only participants past the grace period that lack an account", async () => {
    const handle = database.get();
    const { db } = handle;
    const old = new Date("2026-11-01T00:00:00.000Z");
    const lacking = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-01", now: old });
    const complete = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-01", now: old });
    await saveWeconnectAccount(db, handle.keys, { participantId: complete.id, personId: "7", accessToken: "t" });
    await saveTrackerAccount(db, handle.keys, { participantId: complete.id, backend: "fitbit-legacy", accessToken: "t", expiresAt: now, scopes: [] });
    const fresh = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-25", now });
    const ids = (await listIncompleteParticipants(db, { olderThan: new Date("2026-11-02T00:00:00.000Z") })).map((p) => p.id);
    expect(ids).toContain(lacking.id);
    expect(ids).not.toContain(complete.id);
    expect(ids).not.toContain(fresh.id);
  });
});
