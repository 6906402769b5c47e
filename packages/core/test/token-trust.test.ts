import { changeParticipantStatus, findParticipantById, listAudit, listErrors, listTrackerAccounts, loadWeconnectAccount } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, runPoll } from "../src/index.js";
import { DIALECTS, chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

// 15:30 UTC is 09:30 in Chicago: ana's 09:00 meeting is on today's list.
const START = "2026-11-25T15:30:00Z";
const TODAY = "2026-11-25";

describe.each(DIALECTS)("token trust on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  const statusOf = async (name: string) => (await findParticipantById(world!.runtime.db.db, world!.people.get(name)!.id))?.status;
  const personCalls = () => world!.weconnectSim.requests.filter((r) => r.method === "GET" && r.path === "/api/People/:id").length;

  it("keeps a participant active when WEconnect answers 401 once but the token check succeeds, and writes on the next poll", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    const ana = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!, TODAY);
    world.weconnectSim.failNext({ status: 401, count: 2 }); // the poll's two WEconnect reads; the check gets through

    const burst = await runPoll(world.runtime.ctx, { all: true });
    expect(burst).toMatchObject({ written: 0, failed: 1, failuresByCode: { UNAUTHORIZED_UNCONFIRMED: 1 } });
    expect(personCalls()).toBe(1);
    expect(await statusOf("ana")).toBe("active");
    const errors = await listErrors(world.runtime.db.db, { participantId: ana.id });
    expect(errors.map((e) => e.code)).toEqual(["UNAUTHORIZED_UNCONFIRMED"]);
    const { accessToken } = (await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, ana.id))!;
    expect(JSON.stringify({ errors, burst })).not.toContain(accessToken);

    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 1, written: 1, failed: 0 });
    expect(world.view("ana", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });
  });

  it("leaves the status alone when the token check cannot tell (WEconnect answers 503 to it)", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    world.weconnectSim.failNext({ status: 401, count: 2 });
    world.weconnectSim.failNext({ status: 503, count: 3 }); // every attempt of the check
    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result.failuresByCode).toEqual({ UNAUTHORIZED_UNCONFIRMED: 1 });
    expect(result.participants[0]!.message).toContain("the token check could not tell (SERVER)");
    expect(await statusOf("ana")).toBe("active");
  });

  it("flags a participant when the token check is refused too, and the next maintenance restores them with an audit row", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    const ana = world.people.get("ana")!;
    world.weconnectSim.failNext({ status: 401, count: 3 }); // a burst longer than the run: the check is refused as well

    const burst = await runPoll(world.runtime.ctx, { all: true });
    expect(burst.failuresByCode).toEqual({ UNAUTHORIZED: 1 });
    expect(await statusOf("ana")).toBe("needs-weconnect-signin");
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ due: 0 });

    world.clock.advanceMinutes(30);
    const maintenance = await runMaintenance(world.runtime.ctx);
    expect(maintenance).toMatchObject({ tokensChecked: 1, tokensRestored: 1 });
    expect(await statusOf("ana")).toBe("active");
    const weconnect = await world.runtime.db.db.selectFrom("weconnect_accounts").select("status").where("participant_id", "=", ana.id).executeTakeFirstOrThrow();
    expect(weconnect.status).toBe("active");
    const audit = await listAudit(world.runtime.db.db, { participantId: ana.id, actions: ["status-restored"] });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toBe("needs-weconnect-signin → active: the stored WEconnect token works again (token check answered 200)");

    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!, TODAY);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(world.view("ana", TODAY).steps).toBe(10_000);
  });

  it("leaves a really dead WEconnect token flagged and tries it at most once an hour", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    const ana = world.people.get("ana")!;
    world.weconnectSim.state.expireToken(ana.personId);
    expect((await runPoll(world.runtime.ctx, { all: true })).failuresByCode).toEqual({ UNAUTHORIZED: 1 });
    expect(await statusOf("ana")).toBe("needs-weconnect-signin");

    const before = personCalls();
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensChecked: 1, tokensRestored: 0 });
    world.clock.advanceMinutes(30);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensChecked: 0, tokensRestored: 0 });
    world.clock.advanceMinutes(31);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensChecked: 1, tokensRestored: 0 });
    expect(personCalls() - before).toBe(2);
    expect(await statusOf("ana")).toBe("needs-weconnect-signin");
    expect(await listAudit(world.runtime.db.db, { participantId: ana.id, actions: ["status-restored"] })).toEqual([]);
  });

  it("treats invalid_grant as proof and never sends the dead refresh token again from the restore", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    world.googleSim.state.revokeRefreshTokens("ana");
    world.clock.advanceMinutes(120); // the access token has run out: the poll must refresh
    expect((await runPoll(world.runtime.ctx, { all: true })).failuresByCode).toEqual({ REAUTH_REQUIRED: 1 });
    expect(await statusOf("ana")).toBe("needs-tracker-consent");

    for (let i = 0; i < 3; i += 1) {
      world.clock.advanceMinutes(61);
      expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensChecked: 0, tokensRestored: 0 });
    }
    expect(await statusOf("ana")).toBe("needs-tracker-consent");
  });

  it("does not flag a tracker account for a 401 on a data call right after a successful refresh, and writes on the next poll", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], START);
    const ana = world.people.get("ana")!;
    world.weconnectSim.state.checkIn(ana.personId, ana.activityIds.meeting!, TODAY);
    world.clock.advanceMinutes(120); // expired: the poll refreshes first, successfully
    const refreshesBefore = world.googleSim.state.stats.refreshes;
    world.googleSim.failNext({ status: 401, count: 2, match: "dataPoints" }); // the write, and its retry after a second refresh

    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result.failuresByCode).toEqual({ UNAUTHORIZED: 1 });
    expect(world.googleSim.state.stats.refreshes - refreshesBefore).toBeGreaterThanOrEqual(1);
    expect(await statusOf("ana")).toBe("active");
    expect((await listTrackerAccounts(world.runtime.db.db, ana.id)).map((a) => a.status)).toEqual(["active"]);

    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 1, written: 1, failed: 0 });
    expect(world.view("ana", TODAY)).toMatchObject({ steps: 10_000, entries: 1 });
  });

  it("gives back a tracker flag that proves nothing when the grant still refreshes, and leaves a proven one alone", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana"), chicagoMeetingSpec("ben")], START);
    const db = world.runtime.db.db;
    // As an older version (or a hurried operator) might have done after a 401.
    await changeParticipantStatus(db, { participantId: world.people.get("ana")!.id, status: "needs-tracker-consent", reason: "UNAUTHORIZED", now: world.clock.now });
    await changeParticipantStatus(db, { participantId: world.people.get("ben")!.id, status: "needs-tracker-consent", reason: "REAUTH_REQUIRED", now: world.clock.now });

    const result = await runMaintenance(world.runtime.ctx);
    expect(result).toMatchObject({ tokensChecked: 1, tokensRestored: 1 });
    expect(await statusOf("ana")).toBe("active");
    expect(await statusOf("ben")).toBe("needs-tracker-consent");
    const audit = await listAudit(db, { participantId: world.people.get("ana")!.id, actions: ["status-restored"] });
    expect(audit.map((a) => a.detail)).toEqual(["needs-tracker-consent → active: the google-health grant still refreshes (flagged for UNAUTHORIZED)"]);
  });
});
