import { findParticipantById, getDay, listAudit, listErrors } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runPoll } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

const ana: DbPersonSpec = {
  name: "ana",
  timeZone: "America/Chicago",
  mapping: "plan",
  backend: "google-health",
  activities: [{ key: "meeting", dateStart: "2026-11-01T15:00:00Z" }, { key: "walk", dateStart: "2026-11-02T00:00:00Z" }],
};
const chen: DbPersonSpec = { ...ana, name: "chen", timeZone: "Asia/Tokyo", backend: "fitbit-legacy", mapping: "seed", goalSteps: 1_000_000 };

describe.each(DIALECTS)("poll failures on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("recovers from a failed commit after the tracker write with exactly one entry of the right value", async () => {
    let crash = true;
    world = await startDbWorld(dialect, [ana, chen], "2026-11-25T15:30:00Z", {
      hooks: {
        beforeRecordWrite() {
          if (crash) throw new Error("connection lost before commit");
        },
      },
    });
    for (const name of ["ana", "chen"]) {
      const p = world.people.get(name)!;
      world.weconnectSim.state.checkIn(p.personId, p.activityIds.meeting!, name === "ana" ? "2026-11-25" : "2026-11-26");
    }
    const crashed = await runPoll(world.runtime.ctx, { all: true });
    expect(crashed).toMatchObject({ written: 0, failed: 2, failuresByCode: { INTERNAL: 2 } });
    expect(world.view("ana", "2026-11-25")).toMatchObject({ steps: 5_000, entries: 1 }); // reached the tracker

    crash = false;
    world.clock.advanceMinutes(15);
    const next = await runPoll(world.runtime.ctx); // not due by schedule: due because a write is pending
    expect(next).toMatchObject({ due: 2, written: 2, failed: 0 });
    expect(world.view("ana", "2026-11-25")).toMatchObject({ steps: 5_000, entries: 1 });
    expect(world.view("chen", "2026-11-26")).toMatchObject({ steps: 500_000, entries: 1 });
    const again = await runPoll(world.runtime.ctx, { all: true });
    expect(again).toMatchObject({ written: 0, unchanged: 2 });
    const writes = await listAudit(world.runtime.db.db, {});
    expect(writes.filter((a) => a.action === "tracker-write" && a.outcome === "ok")).toHaveLength(2);
  });

  it("marks an expired WEconnect token, a revoked grant and a retired legacy API, and polls the rest", async () => {
    const ben: DbPersonSpec = { ...ana, name: "ben" };
    const dora: DbPersonSpec = { ...ana, name: "dora", timeZone: "Europe/Berlin" };
    world = await startDbWorld(dialect, [ana, ben, chen, dora], "2026-11-25T15:30:00Z");
    world.weconnectSim.state.expireToken(world.people.get("ana")!.personId);
    world.googleSim.state.revokeGrant("ben");
    world.legacySim.state.setGone(true);
    world.clock.advanceMinutes(120); // ben's access token has expired: the refresh meets the revoked grant
    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result).toMatchObject({ due: 4, written: 1, failed: 3, failuresByCode: { UNAUTHORIZED: 1, REAUTH_REQUIRED: 1, API_GONE: 1 } });
    const db = world.runtime.db.db;
    const status = async (name: string) => (await findParticipantById(db, world!.people.get(name)!.id))?.status;
    expect(await status("ana")).toBe("needs-weconnect-signin");
    expect(await status("ben")).toBe("needs-tracker-consent");
    expect(await status("chen")).toBe("needs-google-health");
    expect(await status("dora")).toBe("active");
    const errors = await listErrors(db, {});
    expect(errors.map((e) => e.code).sort()).toEqual(["API_GONE", "REAUTH_REQUIRED", "UNAUTHORIZED"]);
    // Participants who need someone's action are not polled again until that happened.
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ due: 1 });
  });

  it("fails only that participant on a WEconnect timeout, keeps them active, and writes them on the next poll", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    // Both of the participant's WEconnect reads, with every retry, answer after the 1 s timeout.
    world.weconnectSim.failNext({ delayMs: 1_500, count: 6 });
    const slow = await runPoll(world.runtime.ctx, { all: true });
    expect(slow).toMatchObject({ due: 1, written: 0, failed: 1, failuresByCode: { NETWORK: 1 } });
    const db = world.runtime.db.db;
    expect((await findParticipantById(db, world.people.get("ana")!.id))?.status).toBe("active");
    expect(world.googleSim.state.viewDay("ana", "2026-11-25").powertoken).toBeNull();

    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    // 0 steps: Google Health shows no entry; the ledger has the write confirmed.
    expect(world.googleSim.state.viewDay("ana", "2026-11-25").powertoken).toBeNull();
    expect(await getDay(db, world.people.get("ana")!.id, "2026-11-25")).toMatchObject({ confirmedSteps: 0, writeState: "confirmed" });
  });

  it("never puts a token in a result, an error row or the audit log", async () => {
    world = await startDbWorld(dialect, [ana], "2026-11-25T15:30:00Z");
    world.weconnectSim.state.expireToken(world.people.get("ana")!.personId);
    const result = await runPoll(world.runtime.ctx, { all: true });
    const text = JSON.stringify([result, await listErrors(world.runtime.db.db, {}), await listAudit(world.runtime.db.db, {})]);
    const p = await world.runtime.ctx.data.listParticipants();
    expect(p[0]?.weconnect?.token.length).toBeGreaterThan(20);
    expect(text).not.toContain(p[0]!.weconnect!.token);
    const tracker = await world.runtime.ctx.data.loadTrackerToken(p[0]!.tracker!.accountKey);
    expect(text).not.toContain(tracker!.accessToken);
    expect(text).not.toContain(tracker!.refreshToken!);
  });

  it("lets two replicas share the database without polling a participant twice", async () => {
    world = await startDbWorld(dialect, [ana, { ...ana, name: "ben" }, { ...ana, name: "cy" }], "2026-11-25T15:30:00Z");
    // A second context with its own in-process guard: only the database leases keep them apart.
    const other = { ...world.runtime.ctx, inFlight: new Map(), requestListeners: new Set<never>() };
    const cycleEndsAt = new Date(world.clock.now.getTime() + 15 * 60_000);
    const [a, b] = await Promise.all([runPoll(world.runtime.ctx, { all: true, owner: "replica-a", cycleEndsAt }), runPoll(other, { all: true, owner: "replica-b", cycleEndsAt })]);
    expect(a.skipped + b.skipped).toBe(3);
    const polled = [...a.participants, ...b.participants].filter((p) => p.outcome === "written");
    expect(polled.map((p) => p.name).sort()).toEqual(["ana", "ben", "cy"]);
    // Each written once: one confirmed tracker-write in the audit log (0 steps show no Google Health entry).
    for (const name of ["ana", "ben", "cy"]) {
      const audit = await listAudit(world.runtime.db.db, { participantId: world.people.get(name)!.id, actions: ["tracker-write"] });
      expect(audit.map((a) => [a.outcome, a.steps])).toEqual([["ok", 0]]);
    }
  });
});
