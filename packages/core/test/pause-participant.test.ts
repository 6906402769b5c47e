import { getDay, listAudit, listActivities } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { getStatusReport, listParticipantRows, pauseParticipant, pollParticipantNow, resumeParticipant, runMaintenance, runPoll } from "../src/index.js";
import { DIALECTS, chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

describe.each(DIALECTS)("pausing a participant on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("is not polled while paused, not even by poll now, and is polled again after resume", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z");
    const ana = world.people.get("ana")!;
    await pauseParticipant(world.runtime, ana.id, { reason: "in hospital" });
    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!);
    world.clock.set("2026-11-25T15:50:00Z"); // the meeting has ended: due, were she not paused
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 0, written: 0, failed: 0 });
    expect(await runPoll(world.runtime.ctx, { participantIds: [ana.id] })).toMatchObject({ written: 0, failed: 0 });
    await expect(pollParticipantNow(world.runtime, ana.id)).resolves.toMatchObject({ outcome: "skipped", code: "PAUSED" });
    expect((await getDay(world.runtime.db.db, ana.id, "2026-11-25"))?.completedCount ?? 0).toBe(0);

    await resumeParticipant(world.runtime, ana.id);
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 1, written: 1, failed: 0 });
    expect(await getDay(world.runtime.db.db, ana.id, "2026-11-25")).toMatchObject({ completedCount: 1 });
  });

  it("is not maintained while paused and is again after resume", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T18:00:00Z");
    const ana = world.people.get("ana")!;
    const db = world.runtime.db.db;
    await pauseParticipant(world.runtime, ana.id);
    world.weconnectSim.state.editActivity(ana.activityIds.meeting!, { name: "Group meeting" });
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ activitiesUpserted: 0, failed: 0 });
    expect((await listActivities(db, ana.id)).map((a) => a.name)).not.toContain("Group meeting");

    await resumeParticipant(world.runtime, ana.id);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ activitiesUpserted: 1, failed: 0 });
    expect((await listActivities(db, ana.id)).map((a) => a.name)).toContain("Group meeting");
  });

  it("keeps the state, shows paused in the status report and the dashboard rows, and audits each change once", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T18:00:00Z");
    const ana = world.people.get("ana")!;
    const first = await pauseParticipant(world.runtime, ana.id, { reason: "travelling" });
    world.clock.advanceMinutes(60);
    const second = await pauseParticipant(world.runtime, ana.id);
    expect(first.changed).toBe(true);
    expect(second).toMatchObject({ changed: false, participant: { pausedAt: new Date("2026-11-25T18:00:00Z") } });

    const report = await getStatusReport(world.runtime);
    expect(report.participants.find((p) => p.id === ana.id)).toMatchObject({ state: "active", paused: true, pausedAt: new Date("2026-11-25T18:00:00Z") });
    const rows = await listParticipantRows(world.runtime, { page: 1, pageSize: 50 });
    expect(rows.rows.find((p) => p.id === ana.id)).toMatchObject({ paused: true });

    await resumeParticipant(world.runtime, ana.id);
    await resumeParticipant(world.runtime, ana.id);
    expect((await getStatusReport(world.runtime)).participants.find((p) => p.id === ana.id)).toMatchObject({ state: "active", paused: false, pausedAt: null });
    const audit = await listAudit(world.runtime.db.db, { participantId: ana.id, actions: ["participant-paused", "participant-resumed"] });
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ["participant-resumed", "resumed by staff"],
      ["participant-paused", "travelling"],
    ]);
  });

  it("refuses an unknown participant with PARTICIPANT_NOT_FOUND", async () => {
    world = await startDbWorld(dialect, [], "2026-11-25T18:00:00Z");
    await expect(pauseParticipant(world.runtime, 424_242)).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
    await expect(resumeParticipant(world.runtime, 424_242)).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
  });
});
