import { findParticipantById, getDay, listAudit, listErrors } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runPoll } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// Ana in Chicago (CST, UTC-6): a daily 09:00 meeting and a daily 18:00 walk, weights 5 and 1.
const ana: DbPersonSpec = {
  name: "ana",
  timeZone: "America/Chicago",
  mapping: "weight",
  backend: "google-health",
  activities: [
    { key: "meeting", dateStart: "2026-11-01T15:00:00Z", weight: 5 },
    { key: "walk", dateStart: "2026-11-02T00:00:00Z", weight: 1 },
  ],
};

describe.each(DIALECTS)("runPoll on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("writes the weighted progress for a check-in and leaves the participant's own exercises alone", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T14:50:00Z");
    const { personId, activityIds } = world.people.get("ana")!;
    const own = world.googleSim.state.addOwnExercise("ana", { date: "2026-11-25", steps: 4321, label: "Run" });

    const first = await runPoll(world.runtime.ctx);
    expect(first).toMatchObject({ due: 1, written: 1, failed: 0 });
    // Google Health shows 0 steps as no entry at all; the ledger holds the confirmed 0 and its label.
    expect(world.googleSim.state.viewDay("ana", "2026-11-25").powertoken).toBeNull();
    expect(await getDay(world.runtime.db.db, world.people.get("ana")!.id, "2026-11-25")).toMatchObject({ confirmedSteps: 0, confirmedLabel: "PowerToken: 0 of 2 check-ins", writeState: "confirmed" });

    world.clock.set("2026-11-25T15:30:00Z");
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    world.clock.set("2026-11-25T15:50:00Z"); // the meeting ends within 15 minutes: due
    const second = await runPoll(world.runtime.ctx);
    expect(second).toMatchObject({ due: 1, written: 1 });
    const view = world.googleSim.state.viewDay("ana", "2026-11-25");
    expect(view.powertoken).toMatchObject({ steps: 8_333, label: "PowerToken: 1 of 2 check-ins" });
    expect(view.own).toEqual([{ entryId: own, steps: 4321, label: "Run" }]);
    expect(second.requests.weconnect).toBeGreaterThanOrEqual(2);
    expect(second.requests.tracker).toBeGreaterThanOrEqual(1);
  });

  it("leaves an unchanged value alone and skips participants with nothing due", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T14:50:00Z");
    await runPoll(world.runtime.ctx);
    const again = await runPoll(world.runtime.ctx);
    expect(again).toMatchObject({ due: 1, written: 0, unchanged: 1 });
    // Nothing starts or ends before 15:35, and the last poll (14:50) is under catchUpMinutes (60) ago.
    world.clock.set("2026-11-25T15:20:00Z");
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 0, polled: 0 });
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ due: 1, unchanged: 1 });
  });

  it("lowers the display after an un-check-in", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    const { personId, activityIds } = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    await runPoll(world.runtime.ctx, { all: true });
    expect(world.view("ana", "2026-11-25").steps).toBe(8_333);
    world.weconnectSim.state.uncheck(personId, activityIds.meeting!);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
    // Google Health shows 0 steps as no entry: the 8,333 entry is gone.
    expect(world.view("ana", "2026-11-25")).toMatchObject({ steps: null, entries: 0 });
    expect(await getDay(world.runtime.db.db, world.people.get("ana")!.id, "2026-11-25")).toMatchObject({ confirmedSteps: 0, writeState: "confirmed" });
  });

  it("recovers from a crash between the tracker write and the database commit with exactly one entry", async () => {
    let failOnce = true;
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z", {
      hooks: {
        beforeRecordWrite() {
          if (failOnce) {
            failOnce = false;
            throw new Error("simulated crash before commit");
          }
        },
      },
    });
    const { id, personId, activityIds } = world.people.get("ana")!;
    const db = world.runtime.db.db;
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    const crashed = await runPoll(world.runtime.ctx, { all: true });
    expect(crashed).toMatchObject({ failed: 1, failuresByCode: { INTERNAL: 1 } });
    expect(await getDay(db, id, "2026-11-25")).toMatchObject({ writeState: "pending", desiredSteps: 8_333, confirmedSteps: null });

    world.clock.advanceMinutes(15);
    const next = await runPoll(world.runtime.ctx); // due because a write is pending
    expect(next).toMatchObject({ due: 1, written: 1 });
    const view = world.googleSim.state.viewDay("ana", "2026-11-25");
    expect(view.powertoken).toMatchObject({ steps: 8_333 });
    expect(view.own).toEqual([]);
    expect(await getDay(db, id, "2026-11-25")).toMatchObject({ writeState: "confirmed", confirmedSteps: 8_333 });
    expect((await listAudit(db, {})).filter((a) => a.action === "tracker-write")).toHaveLength(1);
  });

  it("records a revoked WEconnect token as needs sign-in without stopping the others", async () => {
    const ben: DbPersonSpec = { ...ana, name: "ben", timeZone: "Europe/Berlin", mapping: "tally" };
    world = await startDbWorld(dialect, [ana, ben], "2026-11-25T15:30:00Z");
    const { id } = world.people.get("ana")!;
    const db = world.runtime.db.db;
    world.weconnectSim.state.expireToken(world.people.get("ana")!.personId);
    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result).toMatchObject({ due: 2, written: 1, failed: 1, failuresByCode: { UNAUTHORIZED: 1 } });
    expect((await findParticipantById(db, id))?.status).toBe("needs-weconnect-signin");
    expect(await listErrors(db, {})).toMatchObject([{ participantId: id, code: "UNAUTHORIZED" }]);
    expect(JSON.stringify(result)).not.toMatch(/[A-Za-z0-9]{64}/);
  });

  it("marks a revoked tracker grant as needs tracker consent", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    world.googleSim.state.revokeGrant("ana");
    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result.failed).toBe(1);
    expect(["REAUTH_REQUIRED", "UNAUTHORIZED"]).toContain(result.participants[0]?.code);
  });

  it("counts 429s and survives a 503 from WEconnect through retries", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    world.weconnectSim.failNext({ status: 429, count: 1 });
    world.weconnectSim.failNext({ status: 503, count: 1 });
    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result).toMatchObject({ written: 1, failed: 0 });
    expect(result.rateLimited.weconnect).toBe(1);
  });

  it("starts no participant after the signal aborted", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    const controller = new AbortController();
    controller.abort();
    const result = await runPoll(world.runtime.ctx, { all: true, signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, written: 0, skipped: 1 });
  });
});
