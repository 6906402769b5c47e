import { describe, expect, it } from "vitest";
import {
  appendAudit,
  countParticipantsByStatus,
  createCoordinator,
  createCoordinatorSession,
  createParticipant,
  deleteCoordinator,
  findCoordinatorSession,
  finishJobRun,
  lastFinishedJobRun,
  listOpenAlertRecords,
  pageAudit,
  pageDayRows,
  pageParticipants,
  readSigninFailures,
  recordError,
  pageErrors,
  recordSigninFailure,
  setCoordinatorPasswordHash,
  startJobRun,
  syncAlerts,
  upsertDay,
} from "../src/index.js";
import { DIALECTS, uniqueName, useMigratedDatabase } from "./_dialects.js";

const now = new Date("2026-11-30T12:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const MIN = 60_000;

describe.each(DIALECTS)("dashboard tables on %s", (dialect) => {
  const database = useMigratedDatabase(dialect, "dashboard");

  it("refuses a second coordinator with the same e-mail and ends sessions on password reset and removal", async () => {
    const { db } = database.get();
    const email = `${uniqueName()}@example.org`;
    const c = await createCoordinator(db, { email, role: "viewer", passwordHash: "scrypt$x", now });
    await expect(createCoordinator(db, { email, role: "admin", passwordHash: "scrypt$y", now })).rejects.toMatchObject({ code: "CONFLICT" });
    await createCoordinatorSession(db, { coordinatorId: c.id, tokenHash: `h-${email}`, address: "127.0.0.1", expiresAt: at(60 * MIN), now });
    expect((await findCoordinatorSession(db, `h-${email}`))?.session.endedAt).toBeNull();
    expect(await setCoordinatorPasswordHash(db, { email, passwordHash: "scrypt$z", now: at(1) })).toBe(true);
    expect((await findCoordinatorSession(db, `h-${email}`))?.session.endedAt).toEqual(at(1));
    await createCoordinatorSession(db, { coordinatorId: c.id, tokenHash: `h2-${email}`, address: null, expiresAt: at(60 * MIN), now });
    expect(await deleteCoordinator(db, email)).toBe(true);
    expect(await findCoordinatorSession(db, `h2-${email}`)).toBeNull();
    expect(await deleteCoordinator(db, email)).toBe(false);
  });

  it("counts sign-in failures per key inside a window and starts over after it", async () => {
    const { db } = database.get();
    const key = `account:${uniqueName()}`;
    for (let i = 0; i < 3; i += 1) await recordSigninFailure(db, [key], { windowMs: 15 * MIN, now: at(i * MIN) });
    expect(await readSigninFailures(db, key, { windowMs: 15 * MIN, now: at(5 * MIN) })).toEqual({ failures: 3, windowEndsAt: at(15 * MIN) });
    expect(await readSigninFailures(db, key, { windowMs: 15 * MIN, now: at(15 * MIN) })).toEqual({ failures: 0, windowEndsAt: null });
    await recordSigninFailure(db, [key], { windowMs: 15 * MIN, now: at(16 * MIN) });
    expect(await readSigninFailures(db, key, { windowMs: 15 * MIN, now: at(17 * MIN) })).toEqual({ failures: 1, windowEndsAt: at(31 * MIN) });
  });

  it("records a run's start and finish and finds the newest finished run", async () => {
    const { db } = database.get();
    const id = await startJobRun(db, { job: "maintenance", owner: "replica-a", startedAt: at(0) });
    expect(await lastFinishedJobRun(db, "maintenance")).toBeNull();
    await finishJobRun(db, id, { finishedAt: at(2_000), outcome: "partial", processed: 5, written: 3, failed: 2, rateLimited: 1, failuresByCode: { UNAUTHORIZED: 2 } });
    expect(await lastFinishedJobRun(db, "maintenance")).toMatchObject({ id, owner: "replica-a", outcome: "partial", written: 3, failed: 2, rateLimited: 1, failuresByCode: { UNAUTHORIZED: 2 }, finishedAt: at(2_000) });
  });

  it("opens one alert per holding condition, keeps it while it holds and resolves it when it stops", async () => {
    const { db } = database.get();
    const cond = { key: `job-stale:${uniqueName()}`, rule: "job-stale", participantId: null, message: "poll has not run" };
    const first = await syncAlerts(db, { rules: ["job-stale"], holding: [cond], now: at(0) });
    expect(first.opened.map((a) => a.key)).toEqual([cond.key]);
    const again = await syncAlerts(db, { rules: ["job-stale"], holding: [cond], now: at(1) });
    expect(again).toEqual({ opened: [], resolved: [] });
    expect((await listOpenAlertRecords(db)).filter((a) => a.key === cond.key)).toHaveLength(1);
    const other = await syncAlerts(db, { rules: ["other-rule"], holding: [], now: at(2) });
    expect(other.resolved).toEqual([]);
    const done = await syncAlerts(db, { rules: ["job-stale"], holding: [], now: at(3) });
    expect(done.resolved.map((a) => [a.key, a.resolvedAt])).toEqual([[cond.key, at(3)]]);
  });

  it("pages participants by name with a literal search and counts them by status", async () => {
    const { db } = database.get();
    const prefix = uniqueName();
    for (const [i, status] of (["active", "active", "ended"] as const).entries()) {
      await createParticipant(db, { name: `${prefix}-${i}_x`, timeZone: "UTC", enrollmentStart: "2026-11-01", status });
    }
    await createParticipant(db, { name: `${prefix}-9yx`, timeZone: "UTC", enrollmentStart: "2026-11-01", status: "active" });
    const page = await pageParticipants(db, { search: `${prefix.toUpperCase()}-`, statuses: ["active"], limit: 1, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.rows.map((p) => p.name)).toEqual([`${prefix}-1_x`]);
    // "_" matches itself only, not any character.
    expect((await pageParticipants(db, { search: `${prefix}-9_`, limit: 10, offset: 0 })).total).toBe(0);
    const counts = await countParticipantsByStatus(db);
    expect(counts.ended).toBeGreaterThanOrEqual(1);
  });

  it("pages the day table by keyset without skipping or repeating a row", async () => {
    const { db } = database.get();
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-01" })).id);
    for (const id of ids) {
      for (const date of ["2026-11-01", "2026-11-02", "2026-11-03"]) {
        await upsertDay(db, { participantId: id, localDate: date, plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.1, desiredSteps: 5000, desiredLabel: null, now });
      }
    }
    const seen: string[] = [];
    let after: { participantId: number; localDate: string } | undefined;
    for (;;) {
      const rows = await pageDayRows(db, { since: "2026-11-02", until: "2026-11-03", limit: 4, ...(after ? { after } : {}) });
      const mine = rows.filter((r) => ids.includes(r.participantId));
      seen.push(...mine.map((r) => `${r.participantId}/${r.localDate}`));
      if (rows.length < 4) break;
      const last = rows[rows.length - 1]!;
      after = { participantId: last.participantId, localDate: last.localDate };
    }
    expect(seen).toEqual(ids.flatMap((id) => [`${id}/2026-11-02`, `${id}/2026-11-03`]));
  });

  it("pages audit rows and errors newest first with totals", async () => {
    const { db } = database.get();
    const p = await createParticipant(db, { name: uniqueName(), timeZone: "UTC", enrollmentStart: "2026-11-01" });
    for (let i = 0; i < 3; i += 1) {
      await appendAudit(db, { participantId: p.id, action: "tracker-write", outcome: "ok", at: at(i * MIN) });
      await recordError(db, { participantId: p.id, origin: "poll", code: i === 0 ? "RATE_LIMITED" : "UNAUTHORIZED", message: "m", at: at(i * MIN) });
    }
    const audit = await pageAudit(db, { participantId: p.id, limit: 2, offset: 0 });
    expect(audit.total).toBe(3);
    expect(audit.rows.map((r) => r.at)).toEqual([at(2 * MIN), at(MIN)]);
    const errors = await pageErrors(db, { participantId: p.id, code: "UNAUTHORIZED", limit: 10, offset: 0 });
    expect(errors.total).toBe(2);
  });
});
