import { describe, expect, it } from "vitest";
import {
  countMaintenanceParticipants,
  createParticipant,
  listIncompleteProfiles,
  listMaintenanceParticipants,
  loadMaintenanceBatch,
  openWeconnectToken,
  saveTrackerAccount,
  saveWeconnectAccount,
  setParticipantPaused,
  upsertActivities,
  upsertDay,
  upsertEvents,
  type ActivityInput,
  type DatabaseHandle,
  type Participant,
} from "../src/index.js";
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

describe.each(DIALECTS)("maintenance pages on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "maintenance_page");
  const token = (name: string) => `wc-token-of-${name}-${"x".repeat(24)}`;

  /** A participant with the given accounts; `created` sets created_at. */
  async function person(handle: DatabaseHandle, accounts: { weconnect?: boolean; tracker?: boolean }, created = t0): Promise<Participant> {
    const { db, keys } = handle;
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "Europe/Berlin", enrollmentStart: "2026-11-20", status: "active", now: created });
    if (accounts.weconnect) await saveWeconnectAccount(db, keys, { participantId: p.id, personId: String(7000 + p.id), accessToken: token(p.name), now: created });
    if (accounts.tracker) await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "a".repeat(40), refreshToken: "r".repeat(40), expiresAt: t0, scopes: [], now: created });
    return p;
  }

  it("walks complete participants by id in pages, leaving out paused, ended and incomplete ones, with tokens still sealed", async () => {
    const handle = database.get();
    const { db, keys } = handle;
    const first = await person(handle, { weconnect: true, tracker: true });
    const paused = await person(handle, { weconnect: true, tracker: true });
    await setParticipantPaused(db, paused.id, true, t0);
    const ended = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-20", status: "ended", now: t0 });
    await saveWeconnectAccount(db, keys, { participantId: ended.id, personId: "1", accessToken: token("ended"), now: t0 });
    await saveTrackerAccount(db, keys, { participantId: ended.id, backend: "google-health", accessToken: "a".repeat(40), refreshToken: "r".repeat(40), expiresAt: t0, scopes: [], now: t0 });
    await person(handle, { weconnect: true });
    await person(handle, { tracker: true });
    const second = await person(handle, { weconnect: true, tracker: true });
    const third = await person(handle, { weconnect: true, tracker: true });

    const pageOne = await listMaintenanceParticipants(db, { afterId: first.id - 1, limit: 2 });
    expect(pageOne.map((p) => p.id)).toEqual([first.id, second.id]);
    const pageTwo = await listMaintenanceParticipants(db, { afterId: second.id, limit: 2 });
    expect(pageTwo.map((p) => p.id)).toEqual([third.id]);
    expect(await listMaintenanceParticipants(db, { afterId: third.id, limit: 2 })).toEqual([]);
    expect(pageOne[0]).toMatchObject({ name: first.name, timeZone: "Europe/Berlin", status: "active", createdAt: t0, weconnect: { personId: String(7000 + first.id), tokenExpiresAt: null } });
    expect(JSON.stringify(pageOne)).not.toContain(token(first.name));
    expect(openWeconnectToken(keys, first.id, pageOne[0]!.weconnect.sealedToken)).toBe(token(first.name));
    // A sealed cell is bound to its participant: moved to another, it does not open.
    expect(() => openWeconnectToken(keys, second.id, pageOne[0]!.weconnect.sealedToken)).toThrow(expect.objectContaining({ code: "DECRYPT_FAILED" }));
    expect(await countMaintenanceParticipants(db, { ids: [first.id, paused.id, ended.id, second.id, third.id] })).toBe(3);
  });

  it("takes any number of ids, in chunks under both dialects' parameter limits", async () => {
    const handle = database.get();
    const a = await person(handle, { weconnect: true, tracker: true });
    const b = await person(handle, { weconnect: true, tracker: true });
    const ids = [b.id, a.id, ...Array.from({ length: 70_000 }, (_, i) => 1_000_000 + i)];
    expect((await listMaintenanceParticipants(handle.db, { afterId: 0, limit: 10, ids })).map((p) => p.id)).toEqual([a.id, b.id]);
    expect((await listMaintenanceParticipants(handle.db, { afterId: a.id, limit: 10, ids })).map((p) => p.id)).toEqual([b.id]);
    expect(await countMaintenanceParticipants(handle.db, { ids })).toBe(2);
  });

  it("lists incomplete profiles older than the cut-off, paused and ended ones included, saying which account is missing", async () => {
    const handle = database.get();
    const { db } = handle;
    const old = new Date(t0.getTime() - 48 * 3_600_000);
    const start = (await person(handle, { weconnect: true, tracker: true }, old)).id;
    const noTracker = await person(handle, { weconnect: true }, old);
    const noWeconnect = await person(handle, { tracker: true }, old);
    const nothingPaused = await person(handle, {}, old);
    await setParticipantPaused(db, nothingPaused.id, true, t0);
    await person(handle, {}, t0); // within the grace period
    const cutOff = new Date(t0.getTime() - 24 * 3_600_000);

    const all = await listIncompleteProfiles(db, { afterId: start, limit: 100, createdBefore: cutOff });
    expect(all).toEqual([
      { id: noTracker.id, name: noTracker.name, hasWeconnect: true },
      { id: noWeconnect.id, name: noWeconnect.name, hasWeconnect: false },
      { id: nothingPaused.id, name: nothingPaused.name, hasWeconnect: false },
    ]);
    expect((await listIncompleteProfiles(db, { afterId: noTracker.id, limit: 1, createdBefore: cutOff })).map((p) => p.id)).toEqual([noWeconnect.id]);
    expect((await listIncompleteProfiles(db, { afterId: 0, limit: 100, createdBefore: cutOff, ids: [nothingPaused.id, start] })).map((p) => p.id)).toEqual([nothingPaused.id]);
  });

  it("refuses a page without a positive limit", async () => {
    await expect(listMaintenanceParticipants(database.get().db, { afterId: 0, limit: 0 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
