import { describe, expect, it } from "vitest";
import {
  appendAudit,
  createParticipant,
  getDay,
  listAudit,
  listErrors,
  markDayPending,
  recordError,
  recordTrackerWrite,
  upsertDay,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-25T20:00:00.000Z");
const base = { plannedCount: 4, completedCount: 1, dailyProgress: 0.25, weeklyProgress: 0.1, desiredSteps: 25_000, desiredLabel: "1 of 4" };

describe.each(DIALECTS)("days, audit and errors on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "days");
  const participant = () => createParticipant(database.get().db, { name: uniqueName(), timeZone: "America/Chicago", enrollmentStart: "2026-11-25" });

  it("creates a day, updates its progress, and keeps what was confirmed", async () => {
    const { db } = database.get();
    const p = await participant();
    expect(await getDay(db, p.id, "2026-11-25")).toBeNull();
    const day = await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...base, now });
    expect(day).toMatchObject({ localDate: "2026-11-25", dailyProgress: 0.25, desiredSteps: 25_000, confirmedSteps: null, entryId: null, writeState: "confirmed" });
    await recordTrackerWrite(db, { participantId: p.id, localDate: "2026-11-25", backend: "google-health", steps: 25_000, label: "1 of 4", entryId: "e-1", outcome: "ok", now });
    const again = await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...base, completedCount: 2, dailyProgress: 0.5, desiredSteps: 50_000, desiredLabel: "2 of 4" });
    expect(again).toMatchObject({ completedCount: 2, desiredSteps: 50_000, confirmedSteps: 25_000, entryId: "e-1" });
    await expect(upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...base, dailyProgress: Number.NaN })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...base, desiredSteps: -1 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("marks a write pending before the tracker call, then confirms it with an audit row in one step", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-25", ...base, desiredSteps: 0, desiredLabel: "0 of 4" });
    const pending = await markDayPending(db, { participantId: p.id, localDate: "2026-11-25", steps: 0, label: "0 of 4", backend: "google-health", now });
    expect(pending).toMatchObject({ writeState: "pending", pendingAt: now, entryBackend: "google-health" });

    const { day, auditId } = await recordTrackerWrite(db, { participantId: p.id, localDate: "2026-11-25", backend: "google-health", steps: 0, label: "0 of 4", entryId: "dp-9", outcome: "ok", now });
    expect(day).toMatchObject({ writeState: "confirmed", confirmedSteps: 0, confirmedLabel: "0 of 4", entryId: "dp-9", pendingAt: null });
    const audit = await listAudit(db, { participantId: p.id });
    expect(audit).toEqual([
      expect.objectContaining({ id: auditId, action: "tracker-write", participantName: p.name, localDate: "2026-11-25", steps: 0, backend: "google-health", entryId: "dp-9", outcome: "ok", dailyProgress: 0.25, weeklyProgress: 0.1, at: now }),
    ]);
    await expect(markDayPending(db, { participantId: p.id, localDate: "2026-01-01", steps: 1, label: "x", backend: "google-health" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps a failed write pending, remembers an entry id the tracker returned, and audits it", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-26", ...base });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-26", steps: 25_000, label: "1 of 4", backend: "fitbit-legacy" });
    const { day } = await recordTrackerWrite(db, { participantId: p.id, localDate: "2026-11-26", backend: "fitbit-legacy", steps: 25_000, entryId: "log-77", outcome: "failed", detail: "verify read returned 0 steps" });
    expect(day).toMatchObject({ writeState: "pending", confirmedSteps: null, entryId: "log-77" });
    const cleared = await recordTrackerWrite(db, { participantId: p.id, localDate: "2026-11-26", action: "tracker-clear", backend: "fitbit-legacy", steps: null, entryId: "log-77", outcome: "ok" });
    expect(cleared.day).toMatchObject({ entryId: null, writeState: "confirmed", confirmedSteps: null });
    const actions = (await listAudit(db, { participantId: p.id })).map((a) => `${a.action}:${a.outcome}`);
    expect(actions.sort()).toEqual(["tracker-clear:ok", "tracker-write:failed"]);
  });

  it("records nothing shown as a confirmed 0 without an entry, which a desired 0 with any label never needs to rewrite", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-27", ...base, desiredSteps: null, desiredLabel: null });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-27", steps: 0, label: "0 of 4", backend: "google-health", now });
    const { day } = await recordTrackerWrite(db, { participantId: p.id, localDate: "2026-11-27", backend: "google-health", steps: 0, label: "0 of 4", entryId: null, outcome: "ok", now });
    expect(day).toMatchObject({ writeState: "confirmed", confirmedSteps: 0, entryId: null, nothingShown: true });
    // A new activity changes the label only: still nothing to show, so nothing to write.
    const relabelled = await upsertDay(db, { participantId: p.id, localDate: "2026-11-27", ...base, desiredSteps: 0, desiredLabel: "0 of 5" });
    expect(relabelled).toMatchObject({ nothingShown: true });
    const raised = await upsertDay(db, { participantId: p.id, localDate: "2026-11-27", ...base, desiredSteps: 2_000, desiredLabel: "1 of 5" });
    expect(raised).toMatchObject({ nothingShown: true });
  });

  it("keeps the backend a recorded entry id came from while another backend's write is pending", async () => {
    const { db } = database.get();
    const p = await participant();
    await upsertDay(db, { participantId: p.id, localDate: "2026-11-28", ...base });
    await markDayPending(db, { participantId: p.id, localDate: "2026-11-28", steps: 25_000, label: "1 of 4", backend: "fitbit-legacy", now });
    await recordTrackerWrite(db, { participantId: p.id, localDate: "2026-11-28", backend: "fitbit-legacy", steps: 25_000, label: "1 of 4", entryId: "12345", outcome: "ok", now });
    const moved = await markDayPending(db, { participantId: p.id, localDate: "2026-11-28", steps: 50_000, label: "2 of 4", backend: "google-health", now });
    expect(moved).toMatchObject({ writeState: "pending", entryId: "12345", entryBackend: "fitbit-legacy", nothingShown: false });
    const withId = await markDayPending(db, { participantId: p.id, localDate: "2026-11-28", steps: 50_000, label: "2 of 4", backend: "google-health", entryId: "pt-1", now });
    expect(withId).toMatchObject({ entryId: "pt-1", entryBackend: "google-health" });
  });

  it("filters the audit log by action and time and appends maintenance rows", async () => {
    const { db } = database.get();
    const p = await participant();
    await appendAudit(db, { participantId: p.id, action: "maintenance", outcome: "ok", detail: "goal set to 100000", at: new Date("2026-11-20T00:00:00.000Z") });
    await appendAudit(db, { participantId: p.id, action: "maintenance", outcome: "skipped", detail: "x".repeat(5_000), at: new Date("2026-11-24T00:00:00.000Z") });
    const recent = await listAudit(db, { participantId: p.id, actions: ["maintenance"], since: new Date("2026-11-21T00:00:00.000Z") });
    expect(recent).toHaveLength(1);
    expect(recent[0]?.detail?.length).toBe(1_000);
    expect(await listAudit(db, { participantId: p.id, until: new Date("2026-11-21T00:00:00.000Z") })).toHaveLength(1);
  });

  it("records errors truncated, newest first", async () => {
    const { db } = database.get();
    const p = await participant();
    await recordError(db, { participantId: p.id, origin: "poll", code: "RATE_LIMITED", message: "first", at: new Date("2026-11-25T10:00:00.000Z") });
    await recordError(db, { participantId: p.id, origin: "weconnect", code: "UNAUTHORIZED", message: "m".repeat(2_000), at: new Date("2026-11-25T11:00:00.000Z") });
    const errors = await listErrors(db, { participantId: p.id });
    expect(errors.map((e) => e.code)).toEqual(["UNAUTHORIZED", "RATE_LIMITED"]);
    expect(errors[0]?.message.length).toBe(500);
  });
});
