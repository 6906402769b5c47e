import { CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import {
  changeParticipantStatus,
  createParticipant,
  deleteActivities,
  deleteActivitiesNotIn,
  findParticipantById,
  listActivities,
  listParticipants,
  listTrackerAccountSummaries,
  listTrackerAccounts,
  loadPollSelection,
  loadWeconnectAccount,
  markDayPending,
  saveTrackerAccount,
  saveWeconnectAccount,
  upsertActivities,
  upsertDay,
  updateParticipant,
} from "../src/index.js";
import { pendingDaysQuery, recentDaysQuery } from "../src/poll-selection.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T20:00:00.000Z");
const dayValues = { plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.2, desiredSteps: null, desiredLabel: null, now };
/** More ids than either dialect takes in one statement (SQLite 32,766 variables, PostgreSQL 65,535). */
const MANY = 70_000;

function activity(id: string) {
  return { weconnectActivityId: id, name: `a${id}`, startsAt: now, durationMinutes: 30, repeat: "daily", repeatEndsAt: null, modifiedAt: now, expiresAt: null };
}

describe.each(DIALECTS)("poll selection and bulk reads on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "pollsel");
  const participant = (status: "active" | "ended" = "active") =>
    createParticipant(database.get().db, { name: uniqueName(), timeZone: "America/Chicago", enrollmentStart: "2026-01-01", status });

  it("selects active participants' recent days and their old pending days, each once, and skips others", async () => {
    const { db } = database.get();
    const p = await participant();
    const ended = await participant("ended");
    for (const date of ["2026-10-01", "2026-11-20", "2026-11-24", "2026-11-25"]) await upsertDay(db, { participantId: p.id, localDate: date, ...dayValues });
    await upsertDay(db, { participantId: ended.id, localDate: "2026-11-25", ...dayValues });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-20", steps: 5, label: "l", backend: "google-health", now });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-25", steps: 5, label: "l", backend: "google-health", now });
    await upsertActivities(db, p.id, [activity("7")], now);
    await upsertActivities(db, ended.id, [activity("8")], now);

    const selection = await loadPollSelection(db, { fromDate: "2026-11-22" });
    const mine = selection.days.filter((d) => d.participantId === p.id).map((d) => [d.localDate, d.writeState]);
    expect(mine).toEqual([
      ["2026-11-20", "pending"],
      ["2026-11-24", "confirmed"],
      ["2026-11-25", "pending"],
    ]);
    expect(selection.days.some((d) => d.participantId === ended.id)).toBe(false);
    expect(selection.participants).toContainEqual({ id: p.id, timeZone: "America/Chicago" });
    expect(selection.participants.some((x) => x.id === ended.id)).toBe(false);
    expect(selection.activities.filter((a) => a.participantId === p.id).map((a) => a.weconnectActivityId)).toEqual(["7"]);
    expect(selection.activities.some((a) => a.participantId === ended.id)).toBe(false);
    await expect(loadPollSelection(db, { fromDate: "yesterday" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it(`lists participants by ${MANY.toLocaleString("en")} ids in one call`, async () => {
    const { db } = database.get();
    const a = await participant();
    const b = await participant("ended");
    const ids = Array.from({ length: MANY }, (_, i) => 10_000_000 + i);
    ids.splice(40_000, 0, b.id, a.id);
    expect((await listParticipants(db, { ids })).map((x) => x.id)).toEqual([a.id, b.id].sort((x, y) => x - y));
    expect((await listParticipants(db, { ids, statuses: ["active"] })).map((x) => x.id)).toEqual([a.id]);
  });

  it(`lists tracker accounts of ${MANY.toLocaleString("en")} participants without reading a token`, async () => {
    const { db, keys } = database.get();
    const a = await participant();
    await saveTrackerAccount(db, keys, { participantId: a.id, backend: "google-health", accessToken: "at-secret", refreshToken: "rt-secret", expiresAt: now, scopes: [] });
    await saveTrackerAccount(db, keys, { participantId: a.id, backend: "fitbit-legacy", accessToken: "at-secret", expiresAt: now, scopes: [] });
    const ids = [...Array.from({ length: MANY }, (_, i) => 20_000_000 + i), a.id];
    const byParticipant = await listTrackerAccountSummaries(db, ids);
    expect([...byParticipant.keys()]).toEqual([a.id]);
    expect(byParticipant.get(a.id)?.map((x) => x.backend)).toEqual(["google-health", "fitbit-legacy"]);
    expect(JSON.stringify([...byParticipant.values()])).not.toContain("secret");
  });

  it(`deletes activities by ${MANY.toLocaleString("en")} ids, and keeps a list that long`, async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertActivities(db, p.id, ["1", "2", "3", "4"].map(activity), now);
    const ids = Array.from({ length: MANY }, (_, i) => `x${i}`);
    expect(await deleteActivities(db, p.id, [...ids, "1"])).toBe(1);
    expect(await deleteActivitiesNotIn(db, p.id, [...ids, "2", "3"])).toBe(1);
    expect((await listActivities(db, p.id)).map((a) => a.weconnectActivityId).sort()).toEqual(["2", "3"]);
  });

  it("changes a participant's status once and flags the accounts that go with it", async () => {
    const { db, keys } = database.get();
    const p = await participant();
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: "41", accessToken: "wc-secret", tokenExpiresAt: null });
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: "at", expiresAt: now, scopes: [] });

    expect(await changeParticipantStatus(db, { participantId: p.id, status: "needs-tracker-consent", reason: "consent revoked", now })).toBe(true);
    expect(await changeParticipantStatus(db, { participantId: p.id, status: "needs-tracker-consent", now })).toBe(false);
    expect((await findParticipantById(db, p.id))?.status).toBe("needs-tracker-consent");
    expect((await listTrackerAccounts(db, p.id)).map((a) => [a.status, a.statusReason])).toEqual([["reauth-required", "consent revoked"]]);

    expect(await changeParticipantStatus(db, { participantId: p.id, status: "needs-google-health", now })).toBe(true);
    expect((await listTrackerAccounts(db, p.id)).map((a) => a.status)).toEqual(["api-gone"]);
    expect(await changeParticipantStatus(db, { participantId: p.id, status: "needs-weconnect-signin", now })).toBe(true);
    expect((await loadWeconnectAccount(db, keys, p.id))?.status).toBe("reauth-required");
    expect(await changeParticipantStatus(db, { participantId: 99_999_999, status: "active", now })).toBe(false);
  });

  it("changes the status of a participant without accounts (no hidden NOT_FOUND)", async () => {
    const { db } = database.get();
    const p = await participant();
    expect(await changeParticipantStatus(db, { participantId: p.id, status: "needs-weconnect-signin", now })).toBe(true);
    expect((await findParticipantById(db, p.id))?.status).toBe("needs-weconnect-signin");
  });

  it("reports one change when two callers change the same status at once", async () => {
    const { db } = database.get();
    const p = await participant();
    await updateParticipant(db, p.id, { status: "active" });
    const results = await Promise.all([0, 1, 2].map(() => changeParticipantStatus(db, { participantId: p.id, status: "ended", now })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  if (dialect === "sqlite") {
    it("finds the selection's days through indexes, never scanning days, with a year of rows", async () => {
      const { db } = database.get();
      const people = await Promise.all(Array.from({ length: 20 }, () => participant()));
      const rows = [];
      for (const p of people) {
        for (let d = 0; d < 365; d += 1) {
          const localDate = new Date(Date.UTC(2025, 11, 1) + d * 86_400_000).toISOString().slice(0, 10);
          rows.push({ participant_id: p.id, local_date: localDate, planned_count: 1, completed_count: 0, daily_progress: 0, weekly_progress: 0, write_state: "confirmed" as const, updated_at: now.toISOString() });
        }
      }
      for (let i = 0; i < rows.length; i += 2_000) await db.insertInto("days").values(rows.slice(i, i + 2_000)).execute();
      for (const query of [recentDaysQuery(db, "2026-11-22"), pendingDaysQuery(db)]) {
        const compiled = query.compile();
        const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
        const details = plan.rows.map((r) => r.detail);
        expect(details.some((d) => /^SEARCH d USING (COVERING )?INDEX/.test(d)), details.join("; ")).toBe(true);
        expect(details.some((d) => /^SCAN d\b/.test(d)), details.join("; ")).toBe(false);
      }
    });
  }
});
