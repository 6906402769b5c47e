import { describe, expect, it } from "vitest";
import {
  changeParticipantStatus,
  createParticipant,
  getDay,
  listAudit,
  listEventsOn,
  loadPollSelectionPage,
  markDayPending,
  markDaysPending,
  recordTrackerWrites,
  setParticipantPaused,
  sumCheckedInWeights,
  touchDay,
  upsertActivities,
  upsertDay,
  upsertEvents,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T20:00:00.000Z");
const dayValues = { plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.2, desiredSteps: null, desiredLabel: null, now };

function activity(id: string, weight = 1) {
  return { weconnectActivityId: id, name: `a${id}`, startsAt: now, durationMinutes: 30, repeat: "daily", repeatEndsAt: null, modifiedAt: now, expiresAt: null, weight };
}

describe.each(DIALECTS)("the poll's page reads and group writes on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "pollpage");
  const participant = (status: "active" | "ended" = "active") =>
    createParticipant(database.get().db, { name: uniqueName(), timeZone: "America/Chicago", enrollmentStart: "2026-01-01", status });

  it("walks the active, unpaused participants a page at a time by id, each with only its own activities and days", async () => {
    const { db } = database.get();
    const [a, b, ended, paused, c] = [await participant(), await participant(), await participant("ended"), await participant(), await participant()];
    await setParticipantPaused(db, paused.id, true, now);
    for (const p of [a, b, ended, paused, c]) {
      await upsertActivities(db, p.id, [activity(`${p.id}1`)], now);
      await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues });
      await upsertDay(db, { participantId: p.id, localDate: "2026-10-01", ...dayValues });
    }
    await markDayPending(db, { participantId: b.id, localDate: "2026-10-01", steps: 5, label: "l", backend: "google-health", now });

    const seen: number[][] = [];
    let afterId = a.id - 1;
    for (;;) {
      const page = await loadPollSelectionPage(db, { fromDate: "2026-11-22", afterId, limit: 2 });
      if (page.participants.length === 0) break;
      const ids = page.participants.map((p) => p.id);
      seen.push(ids);
      expect(page.activities.every((x) => ids.includes(x.participantId))).toBe(true);
      expect(page.days.every((d) => ids.includes(d.participantId))).toBe(true);
      if (ids.includes(b.id)) {
        expect(page.days.filter((d) => d.participantId === b.id).map((d) => [d.localDate, d.writeState])).toEqual([
          ["2026-10-01", "pending"],
          ["2026-11-25", "confirmed"],
        ]);
      }
      afterId = ids[ids.length - 1]!;
    }
    expect(seen.flat().filter((id) => id >= a.id)).toEqual([a.id, b.id, c.id]);
    expect(seen.every((ids) => ids.length <= 2)).toBe(true);
  });

  it("reads exactly the given ids, leaving out those not active", async () => {
    const { db } = database.get();
    const a = await participant();
    const ended = await participant("ended");
    const page = await loadPollSelectionPage(db, { fromDate: "2026-11-22", ids: [ended.id, a.id, a.id, 99_999_999] });
    expect(page.participants.map((p) => p.id)).toEqual([a.id]);
    await changeParticipantStatus(db, { participantId: a.id, status: "ended", reason: "test", now });
    expect((await loadPollSelectionPage(db, { fromDate: "2026-11-22", ids: [a.id] })).participants).toEqual([]);
    await expect(loadPollSelectionPage(db, { fromDate: "2026-11-22", afterId: 0, limit: 0 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(loadPollSelectionPage(db, { fromDate: "today", afterId: 0, limit: 10 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("sums each participant's checked-in weights of their own date in one call, 0 when none", async () => {
    const { db } = database.get();
    const [a, b, none] = [await participant(), await participant(), await participant()];
    for (const p of [a, b]) await upsertActivities(db, p.id, [activity("1", 2), activity("2", 5)], now);
    const event = (id: string, activityId: string, localDate: string, checkedIn: boolean) => ({ occurrenceId: id, weconnectActivityId: activityId, localDate, startsAt: now, endsAt: now, checkedIn });
    await upsertEvents(db, a.id, [event("x", "1", "2026-11-24", true), event("y", "2", "2026-11-24", true), event("z", "2", "2026-11-23", true)], now);
    await upsertEvents(db, b.id, [event("x", "1", "2026-11-24", true), event("y", "2", "2026-11-25", true), event("w", "1", "2026-11-25", false)], now);
    const sums = await sumCheckedInWeights(db, [
      { participantId: a.id, localDate: "2026-11-24" },
      { participantId: b.id, localDate: "2026-11-25" },
      { participantId: none.id, localDate: "2026-11-24" },
    ]);
    expect([sums.get(a.id), sums.get(b.id), sums.get(none.id)]).toEqual([7, 5, 0]);
    await expect(sumCheckedInWeights(db, [{ participantId: a.id, localDate: "24.11." }])).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("keeps the stored desired value when asked (only the write functions change the ledger)", async () => {
    const { db } = database.get();
    const p = await participant();
    const created = await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues, desiredSteps: 7, desiredLabel: "new", keepDesired: true });
    expect(created).toMatchObject({ desiredSteps: 7, desiredLabel: "new" });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-25", steps: 100, label: "intent", backend: "google-health", now });
    const kept = await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues, completedCount: 2, keepDesired: true });
    expect(kept).toMatchObject({ completedCount: 2, desiredSteps: 100, desiredLabel: "intent", writeState: "pending" });
  });

  it("commits several intents and several confirmations with their audit rows, each group in one transaction", async () => {
    const { db } = database.get();
    const people = [await participant(), await participant(), await participant()];
    for (const p of people) await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues });
    const pending = await markDaysPending(db, people.map((p, i) => ({ participantId: p.id, localDate: "2026-11-25", steps: 10 * i, label: `l${i}`, backend: "google-health" as const, now })));
    expect(pending.map((d) => [d.participantId, d.writeState, d.desiredSteps])).toEqual(people.map((p, i) => [p.id, "pending", 10 * i]));
    const confirmed = await recordTrackerWrites(db, people.map((p, i) => ({ participantId: p.id, localDate: "2026-11-25", backend: "google-health" as const, steps: 10 * i, label: `l${i}`, entryId: `e${i}`, outcome: "ok" as const, now })));
    expect(confirmed.map((d) => [d.writeState, d.confirmedSteps, d.entryId])).toEqual(people.map((_, i) => ["confirmed", 10 * i, `e${i}`]));
    for (const [i, p] of people.entries()) {
      expect(await listAudit(db, { participantId: p.id })).toEqual([
        expect.objectContaining({ participantName: p.name, action: "tracker-write", outcome: "ok", localDate: "2026-11-25", steps: 10 * i, entryId: `e${i}`, dailyProgress: 0.5, weeklyProgress: 0.2 }),
      ]);
    }
    const reversed = [...people].reverse();
    const again = await recordTrackerWrites(db, [
      ...reversed.map((p) => ({ participantId: p.id, localDate: "2026-11-25", backend: "google-health" as const, steps: 1, label: "again", entryId: "e", outcome: "ok" as const, dailyProgress: 0.9, now })),
      { participantId: people[0]!.id, localDate: "2026-11-25", backend: "google-health" as const, steps: 2, entryId: null, outcome: "failed" as const, detail: "rate limited", now },
    ]);
    expect(again.map((d) => d.participantId)).toEqual([...reversed.map((p) => p.id), people[0]!.id]);
    expect((await listAudit(db, { participantId: people[0]!.id })).map((a) => [a.outcome, a.steps, a.dailyProgress])).toEqual([
      ["failed", 2, 0.5],
      ["ok", 1, 0.9],
      ["ok", 0, 0.5],
    ]);
    expect(await markDaysPending(db, [])).toEqual([]);
    expect(await recordTrackerWrites(db, [])).toEqual([]);
  });

  it("rolls a whole group back when one of it has no day, so nothing half-written remains", async () => {
    const { db } = database.get();
    const p = await participant();
    const missing = await participant();
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues });
    const input = (id: number) => ({ participantId: id, localDate: "2026-11-25", steps: 3, label: "x", backend: "google-health" as const, now });
    await expect(markDaysPending(db, [input(p.id), input(missing.id)])).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await getDay(db, p.id, "2026-11-25")).toMatchObject({ writeState: "confirmed", desiredSteps: null });
    await expect(recordTrackerWrites(db, [{ ...input(p.id), entryId: "e", outcome: "ok" }, { ...input(missing.id), entryId: "e", outcome: "ok" }])).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await getDay(db, p.id, "2026-11-25")).toMatchObject({ confirmedSteps: null });
    expect(await listAudit(db, { participantId: p.id })).toHaveLength(0);
  });

  it("lists each participant's stored events of their own date in one call, an empty list when none", async () => {
    const { db } = database.get();
    const [a, b, none] = [await participant(), await participant(), await participant()];
    for (const p of [a, b]) await upsertActivities(db, p.id, [activity("1")], now);
    const at = new Date("2026-11-25T15:00:00.000Z");
    const event = (id: string, localDate: string, checkedIn: boolean) => ({ occurrenceId: id, weconnectActivityId: "1", localDate, startsAt: at, endsAt: now, checkedIn });
    await upsertEvents(db, a.id, [event("x", "2026-11-25", true), event("y", "2026-11-24", false)], now);
    await upsertEvents(db, b.id, [event("x", "2026-11-25", false), event("z", "2026-11-24", true)], now);
    const found = await listEventsOn(db, [
      { participantId: a.id, localDate: "2026-11-25" },
      { participantId: b.id, localDate: "2026-11-24" },
      { participantId: none.id, localDate: "2026-11-25" },
    ]);
    expect(found.get(a.id)).toEqual([{ occurrenceId: "x", weconnectActivityId: "1", startsAt: at, endsAt: now, checkedIn: true }]);
    expect(found.get(b.id)).toEqual([{ occurrenceId: "z", weconnectActivityId: "1", startsAt: at, endsAt: now, checkedIn: true }]);
    expect(found.get(none.id)).toEqual([]);
  });

  it("touches a day's last-seen time and nothing else, and says when there is no such day", async () => {
    const { db } = database.get();
    const p = await participant();
    const before = await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...dayValues });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-25", steps: 9, label: "l", backend: "google-health", now });
    const later = new Date("2026-11-25T21:00:00.000Z");
    const touched = await touchDay(db, { participantId: p.id, localDate: "2026-11-25", now: later });
    expect(touched).toMatchObject({ updatedAt: later, plannedCount: before.plannedCount, dailyProgress: before.dailyProgress, desiredSteps: 9, writeState: "pending" });
    expect(await touchDay(db, { participantId: p.id, localDate: "2026-11-26", now: later })).toBeNull();
  });
});
