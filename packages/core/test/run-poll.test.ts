import { afterEach, describe, expect, it } from "vitest";
import { runPoll } from "../src/index.js";
import { startWorld, type World } from "./helpers/world.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

// Ana in Chicago (CST, UTC-6): a daily 09:00 meeting and a daily 18:00 walk, weights 5 and 1.
const ana = {
  id: 1,
  name: "ana",
  timeZone: "America/Chicago",
  mapping: "weight" as const,
  activities: [
    { name: "Morning meeting", dateStart: new Date("2026-11-01T15:00:00Z"), weight: 5 },
    { name: "Evening walk", dateStart: new Date("2026-11-02T00:00:00Z"), weight: 1 },
  ],
};

describe("runPoll", () => {
  it("writes the weighted progress for a check-in and leaves the participant's own exercises alone", async () => {
    world = await startWorld([ana], "2026-11-25T14:50:00Z");
    const { personId, activityIds } = world.people.get(1)!;
    const own = world.googleSim.state.addOwnExercise("u1", { date: "2026-11-25", steps: 4321, label: "Run" });

    const first = await runPoll(world.ctx);
    expect(first).toMatchObject({ due: 1, written: 1, failed: 0 });
    expect(world.googleSim.state.viewDay("u1", "2026-11-25").powertoken).toMatchObject({ steps: 0, label: "PowerToken: 0 of 2 check-ins" });

    world.clock.set("2026-11-25T15:30:00Z");
    world.weconnectSim.state.checkIn(personId, activityIds[0]!);
    world.clock.set("2026-11-25T15:50:00Z"); // the meeting ends within 15 minutes: due
    const second = await runPoll(world.ctx);
    expect(second).toMatchObject({ due: 1, written: 1 });
    const view = world.googleSim.state.viewDay("u1", "2026-11-25");
    expect(view.powertoken).toMatchObject({ steps: 8_333, label: "PowerToken: 1 of 2 check-ins" });
    expect(view.own).toEqual([{ entryId: own, steps: 4321, label: "Run" }]);
    expect(second.requests.weconnect).toBeGreaterThanOrEqual(2);
    expect(second.requests.tracker).toBeGreaterThanOrEqual(1);
  });

  it("leaves an unchanged value alone and skips participants with nothing due", async () => {
    world = await startWorld([ana], "2026-11-25T14:50:00Z");
    await runPoll(world.ctx);
    const again = await runPoll(world.ctx);
    expect(again).toMatchObject({ due: 1, written: 0, unchanged: 1 });
    world.clock.set("2026-11-25T20:00:00Z"); // nothing starts or ends before 20:15
    expect(await runPoll(world.ctx)).toMatchObject({ due: 0, polled: 0 });
    expect(await runPoll(world.ctx, { all: true })).toMatchObject({ due: 1, unchanged: 1 });
  });

  it("lowers the display after an un-check-in", async () => {
    world = await startWorld([ana], "2026-11-25T15:30:00Z");
    const { personId, activityIds } = world.people.get(1)!;
    world.weconnectSim.state.checkIn(personId, activityIds[0]!);
    await runPoll(world.ctx, { all: true });
    expect(world.googleSim.state.viewDay("u1", "2026-11-25").powertoken?.steps).toBe(8_333);
    world.weconnectSim.state.uncheck(personId, activityIds[0]!);
    await runPoll(world.ctx, { all: true });
    expect(world.googleSim.state.viewDay("u1", "2026-11-25").powertoken?.steps).toBe(0);
  });

  it("recovers from a crash between the tracker write and the database commit with exactly one entry", async () => {
    let failOnce = true;
    world = await startWorld([ana], "2026-11-25T15:30:00Z", {
      beforeRecordWrite() {
        if (failOnce) {
          failOnce = false;
          throw new Error("simulated crash before commit");
        }
      },
    });
    const { personId, activityIds } = world.people.get(1)!;
    world.weconnectSim.state.checkIn(personId, activityIds[0]!);
    const crashed = await runPoll(world.ctx, { all: true });
    expect(crashed).toMatchObject({ failed: 1, failuresByCode: { INTERNAL: 1 } });
    expect(world.data.day(1, "2026-11-25")).toMatchObject({ pending: true, desiredSteps: 8_333, confirmedSteps: null });

    world.clock.advanceMinutes(15);
    const next = await runPoll(world.ctx); // due because a write is pending
    expect(next).toMatchObject({ due: 1, written: 1 });
    const view = world.googleSim.state.viewDay("u1", "2026-11-25");
    expect(view.powertoken).toMatchObject({ steps: 8_333 });
    expect(view.own).toEqual([]);
    expect(world.data.day(1, "2026-11-25")).toMatchObject({ pending: false, confirmedSteps: 8_333 });
    expect(world.data.audit.filter((a) => a.action === "tracker-write")).toHaveLength(1);
  });

  it("records a revoked WEconnect token as needs sign-in without stopping the others", async () => {
    const ben = { ...ana, id: 2, name: "ben", timeZone: "Europe/Berlin", mapping: "tally" as const };
    world = await startWorld([ana, ben], "2026-11-25T15:30:00Z");
    world.weconnectSim.state.expireToken(world.people.get(1)!.personId);
    const result = await runPoll(world.ctx, { all: true });
    expect(result).toMatchObject({ due: 2, written: 1, failed: 1, failuresByCode: { UNAUTHORIZED: 1 } });
    expect(world.data.statusOf(1)).toBe("needs-weconnect-signin");
    expect(world.data.errors).toMatchObject([{ participantId: 1, code: "UNAUTHORIZED" }]);
    expect(JSON.stringify(result)).not.toMatch(/[A-Za-z0-9]{64}/);
  });

  it("marks a revoked tracker grant as needs tracker consent", async () => {
    world = await startWorld([ana], "2026-11-25T15:30:00Z");
    world.googleSim.state.revokeGrant("u1");
    const result = await runPoll(world.ctx, { all: true });
    expect(result.failed).toBe(1);
    expect(["REAUTH_REQUIRED", "UNAUTHORIZED"]).toContain(result.participants[0]?.code);
  });

  it("counts 429s and survives a 503 from WEconnect through retries", async () => {
    world = await startWorld([ana], "2026-11-25T15:30:00Z");
    world.weconnectSim.failNext({ status: 429, count: 1 });
    world.weconnectSim.failNext({ status: 503, count: 1 });
    const result = await runPoll(world.ctx, { all: true });
    expect(result).toMatchObject({ written: 1, failed: 0 });
    expect(result.rateLimited.weconnect).toBe(1);
  });

  it("starts no participant after the signal aborted", async () => {
    world = await startWorld([ana], "2026-11-25T15:30:00Z");
    const controller = new AbortController();
    controller.abort();
    const result = await runPoll(world.ctx, { all: true, signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, written: 0, skipped: 1 });
  });
});
