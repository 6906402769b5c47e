import { listTrackerAccounts } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, runPoll } from "../src/index.js";
import { DIALECTS, chicagoMeetingSpec, startDbWorld, type DbWorld } from "./helpers/db-world.js";

// 15:30 UTC is 09:30 in Chicago: the 09:00 meeting is on today's list.
const START = "2026-11-25T15:30:00Z";
const TODAY = "2026-11-25";

describe.each(DIALECTS)("maintenance on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  const tokenCalls = (status?: number) => world!.googleSim.requests.filter((r) => r.method === "POST" && r.path.endsWith("/token") && (status === undefined || r.status === status)).length;

  it("never sends a refresh token the tracker refused: the flagged account is skipped TRACKER_CONSENT_REQUIRED, the others refreshed", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana"), chicagoMeetingSpec("ben")], START);
    const ana = world.people.get("ana")!;
    world.googleSim.state.revokeRefreshTokens("ana");
    world.clock.advanceMinutes(120); // both access tokens have run out
    expect((await runPoll(world.runtime.ctx, { all: true })).failuresByCode).toEqual({ REAUTH_REQUIRED: 1 });
    expect((await listTrackerAccounts(world.runtime.db.db, ana.id)).map((a) => a.status)).toEqual(["reauth-required"]);
    const refusedBefore = tokenCalls(400);

    for (let i = 0; i < 3; i += 1) {
      // Both tokens have been expired and unused for over a day: maintenance's keep-alive refresh is
      // due for each (see trackerRefreshDue), so only the flag can keep ana's from being sent.
      world.clock.advanceMinutes(25 * 60);
      const okBefore = tokenCalls(200);
      const result = await runMaintenance(world.runtime.ctx);
      expect(result.participants.find((p) => p.name === "ana")).toMatchObject({ outcome: "skipped", code: "TRACKER_CONSENT_REQUIRED" });
      expect(result.participants.find((p) => p.name === "ana")!.message).toContain("tracker consent");
      expect(result.participants.find((p) => p.name === "ben")).toMatchObject({ outcome: "updated" });
      expect(result).toMatchObject({ tokensRefreshed: 1, tokensFailed: 0, failed: 0, tokensChecked: 0 });
      expect(tokenCalls(200) - okBefore).toBe(1);
    }
    expect(tokenCalls(400)).toBe(refusedBefore); // the dead refresh token was not sent again
  });

  it("counts the token-restore and drift passes' requests in result.quota, as many as reached the simulators", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana"), chicagoMeetingSpec("ben")], START);
    for (const name of ["ana", "ben"]) {
      const person = world.people.get(name)!;
      world.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, TODAY);
    }
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 2, failed: 0 });
    world.clock.advanceMinutes(20);
    const google = world.googleSim.requests.length;
    const weconnect = world.weconnectSim.requests.length;

    const result = await runMaintenance(world.runtime.ctx);
    expect(result.driftChecked).toBe(2); // each confirmed day read back once: two tracker reads
    const googleSent = world.googleSim.requests.slice(google);
    const trackerSent = googleSent.filter((r) => !r.path.endsWith("/token")).length;
    const oauthSent = googleSent.length - trackerSent;
    expect(trackerSent).toBeGreaterThanOrEqual(2);
    expect(result.quota?.tracker.requests).toBe(trackerSent);
    expect(result.quota?.oauth.requests).toBe(oauthSent);
    expect(result.quota?.weconnect.requests).toBe(world.weconnectSim.requests.length - weconnect);
  });
});
