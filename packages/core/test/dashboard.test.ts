import { createHash, randomBytes } from "node:crypto";
import { createInviteRecord, createParticipant, markInviteRecordCompleted, markInviteRecordOpened, recordError, upsertDay } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countParticipantsByState,
  exportDays,
  getParticipantHistory,
  getReconsentCampaign,
  listAuditEntries,
  listErrorEntries,
  listNeedsAttention,
  listParticipantRows,
  runPoll,
  updateParticipantSettings,
} from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

async function collect(chunks: AsyncIterable<string>): Promise<{ text: string; chunks: number }> {
  let text = "";
  let n = 0;
  for await (const chunk of chunks) {
    text += chunk;
    n += 1;
  }
  return { text, chunks: n };
}

describe.each(DIALECTS)("dashboard queries on %s", (dialect) => {
  let world: DbWorld;
  let quoted: number;
  beforeAll(async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ann"), chicagoMeetingSpec("ben"), chicagoMeetingSpec("cara")], "2026-11-30T17:30:00Z");
    const ann = world.people.get("ann")!;
    world.weconnectSim.state.checkIn(ann.personId, ann.activityIds.meeting!, "2026-11-30");
    await runPoll(world.runtime.ctx, { all: true });
    const db = world.runtime.db.db;
    quoted = (await createParticipant(db, { name: 'o\'brien, "jr"', timeZone: "UTC", enrollmentStart: "2026-11-20", status: "needs-tracker-consent" })).id;
    for (const date of ["2026-11-20", "2026-11-21"]) {
      await upsertDay(db, { participantId: quoted, localDate: date, plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.1, desiredSteps: 5000, desiredLabel: null });
    }
    await recordError(db, { participantId: quoted, origin: "poll", code: "REAUTH_REQUIRED", message: "consent needed", at: world.clock.now });
  });
  afterAll(() => world.close());

  it("pages the overview table in name order with status-report columns, filtered by state and name", async () => {
    const first = await listParticipantRows(world.runtime, { page: 1, pageSize: 2 });
    expect(first.total).toBe(4);
    expect(first.rows.map((r) => r.name)).toEqual(["ann", "ben"]);
    expect(first.rows[0]).toMatchObject({ state: "active", checkIns: { done: 1, planned: 1 }, tokens: { weconnect: "ok", tracker: "ok" }, tracker: { pending: false } });
    expect(first.rows[0]!.lastPollAt).toEqual(world.clock.now);
    const second = await listParticipantRows(world.runtime, { page: 2, pageSize: 2 });
    expect(second.rows.map((r) => r.name)).toEqual(["cara", 'o\'brien, "jr"']);
    expect((await listParticipantRows(world.runtime, { page: 1, pageSize: 10, states: ["needs-tracker-consent"] })).rows.map((r) => r.name)).toEqual(['o\'brien, "jr"']);
    expect((await listParticipantRows(world.runtime, { page: 1, pageSize: 10, search: "AR" })).rows.map((r) => r.name)).toEqual(["cara"]);
    await expect(listParticipantRows(world.runtime, { page: 0, pageSize: 10 })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "page" });
  });

  it("counts participants in every state, zero included", async () => {
    expect(await countParticipantsByState(world.runtime)).toEqual({ active: 3, "needs-weconnect-signin": 0, "needs-tracker-consent": 1, "needs-google-health": 0, ended: 0 });
  });

  it("tells a participant's history: enrolment, days, today's events, audit and invites", async () => {
    const ann = world.people.get("ann")!.id;
    const db = world.runtime.db.db;
    const hash = createHash("sha256").update(randomBytes(32)).digest("hex");
    const invite = await createInviteRecord(db, { participantId: ann, tokenHash: hash, expiresAt: new Date(world.clock.now.getTime() + 86_400_000), now: world.clock.now });
    await markInviteRecordOpened(db, invite.id, world.clock.now);
    const history = await getParticipantHistory(world.runtime, ann);
    expect(history).toMatchObject({ enrolment: { start: "2026-11-30", end: null }, mapping: "plan", goalSteps: 10_000, invites: { sent: 1, opened: 1, completed: 0 } });
    expect(history.trackers.map((t) => t.backend)).toEqual(["google-health"]);
    expect(history.days.map((d) => [d.localDate, d.planned, d.checkedIn, d.writeState])).toEqual([["2026-11-30", 1, 1, "confirmed"]]);
    expect(history.today.events.map((e) => [e.name, e.checkedIn])).toEqual([["meeting", true]]);
    expect(history.recentAudit.some((a) => a.action === "tracker-write")).toBe(true);
    await expect(getParticipantHistory(world.runtime, 999_999)).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
  });

  it("pages the audit log and the errors with filters", async () => {
    const audit = await listAuditEntries(world.runtime, { page: 1, pageSize: 50, participantId: world.people.get("ann")!.id });
    expect(audit.total).toBe(audit.rows.length);
    expect(audit.rows.every((r) => r.participantId === world.people.get("ann")!.id)).toBe(true);
    const errors = await listErrorEntries(world.runtime, { page: 1, pageSize: 50, code: "REAUTH_REQUIRED" });
    expect(errors.rows.map((e) => e.participantId)).toEqual([quoted]);
    expect((await listErrorEntries(world.runtime, { page: 1, pageSize: 50, code: "NONE" })).total).toBe(0);
  });

  it("lists who needs attention with every reason, and the re-consent campaign's progress", async () => {
    const items = await listNeedsAttention(world.runtime, { noCheckInDays: 3 });
    expect(items.map((i) => [i.participant.name, i.reasons])).toEqual([['o\'brien, "jr"', ["never-connected"]]]);
    const campaign = await getReconsentCampaign(world.runtime);
    expect(campaign).toMatchObject({ sent: 1, opened: 1, done: 0, participants: 1 });
    const [invite] = await (await import("@powertoken/db")).listInvites(world.runtime.db.db, world.people.get("ann")!.id);
    await markInviteRecordCompleted(world.runtime.db.db, invite!.id, world.clock.now);
    expect(await getReconsentCampaign(world.runtime)).toMatchObject({ done: 1 });
  });

  it("changes a participant's mapping and goal, and refuses unknown values", async () => {
    const ben = world.people.get("ben")!.id;
    expect(await updateParticipantSettings(world.runtime, ben, { mapping: "tally", goalSteps: 8000 })).toMatchObject({ mapping: "tally", goalSteps: 8000 });
    await expect(updateParticipantSettings(world.runtime, ben, { mapping: "nope" as "plan" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "mapping" });
    await expect(updateParticipantSettings(world.runtime, ben, { goalSteps: -1 })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "goalSteps" });
  });

  it("exports the day table as RFC 4180 CSV with a header, in keyset batches", async () => {
    const { text, chunks } = await collect(exportDays(world.runtime, { since: "2026-11-01", until: "2026-11-30", format: "csv", batchSize: 2 }));
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("participant,date,planned,checked_in,progress,steps_shown,write_state");
    expect(lines).toContain('"o\'brien, ""jr""",2026-11-20,2,1,0.5,,confirmed');
    expect(lines.filter((l) => l.startsWith("ann,2026-11-30,1,1,"))).toHaveLength(1);
    expect(lines.at(-1)).toBe("");
    expect(lines.length - 2).toBe(5); // 3 participants today + 2 days of the fourth
    expect(chunks).toBe(1 + 3); // header + 5 rows in batches of 2
  });

  it("exports one participant's range as JSON lines", async () => {
    const { text } = await collect(exportDays(world.runtime, { since: "2026-11-21", until: "2026-11-21", participantId: quoted, format: "json" }));
    expect(text.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([
      { participant: 'o\'brien, "jr"', date: "2026-11-21", planned: 2, checked_in: 1, progress: 0.5, steps_shown: null, write_state: "confirmed" },
    ]);
    await expect(collect(exportDays(world.runtime, { since: "2026-11-30", until: "2026-11-01", format: "csv" }))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(collect(exportDays(world.runtime, { since: "yesterday", until: "2026-11-01", format: "csv" }))).rejects.toMatchObject({ code: "INVALID_INPUT", key: "since" });
    // The shape alone would let February 30th through (it rolls over to March 2nd).
    await expect(collect(exportDays(world.runtime, { since: "2026-02-30", until: "2026-03-31", format: "csv" }))).rejects.toMatchObject({ code: "INVALID_INPUT", key: "since" });
    await expect(collect(exportDays(world.runtime, { since: "2026-11-01", until: "2026-11-31", format: "json" }))).rejects.toMatchObject({ code: "INVALID_INPUT", key: "until" });
  });
});
