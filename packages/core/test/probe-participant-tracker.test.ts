import { saveTrackerAccount } from "@powertoken/db";
import { GOOGLE_HEALTH_SCOPES } from "@powertoken/fitbit";
import { afterEach, describe, expect, it } from "vitest";
import { probeParticipantTracker } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const DAY = "2026-11-25"; // local today in Chicago at 15:30Z

describe.each(DIALECTS)("probeParticipantTracker on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("answers yes when the day's total counts written exercise steps, and deletes the test exercise", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z");
    world.googleSim.state.settings.exerciseStepsCount = true;
    world.googleSim.state.setDeviceSteps("ana", DAY, 2_000);
    const probe = await probeParticipantTracker(world.runtime, "ana");
    expect(probe).toMatchObject({ name: "ana", localDate: DAY, timeZone: "America/Chicago", writtenAndReadBack: true, totalRose: "yes", roseBy: 4_321, stepsBefore: 2_000, deleted: true, missingScope: null });
    expect(world.googleSim.state.points("ana").size).toBe(0);
  });

  it("answers no, with the rise it saw, when the day's total ignores written exercise steps", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z");
    world.googleSim.state.settings.exerciseStepsCount = false;
    const probe = await probeParticipantTracker(world.runtime, "ana", { steps: 1_234 });
    expect(probe).toMatchObject({ writtenAndReadBack: true, totalRose: "no", roseBy: 0, steps: 1_234, deleted: true });
    expect(world.googleSim.state.points("ana").size).toBe(0);
  });

  it("names the missing read permission and writes nothing when the grant lacks it", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z");
    const { id } = world.people.get("ana")!;
    const tokens = world.googleSim.state.issueTokens("ana", [GOOGLE_HEALTH_SCOPES.activityWrite]);
    await saveTrackerAccount(world.runtime.db.db, world.runtime.db.keys, { participantId: id, backend: "google-health", ...tokens });
    const probe = await probeParticipantTracker(world.runtime, id);
    expect(probe).toMatchObject({ missingScope: GOOGLE_HEALTH_SCOPES.activityRead, writtenAndReadBack: false, deleted: false });
    expect(world.googleSim.state.points("ana").size).toBe(0);
    expect(JSON.stringify(probe)).not.toContain(tokens.accessToken);
  });

  it("refuses a participant whose tracker is the legacy Fitbit API", async () => {
    world = await startDbWorld(dialect, [{ ...chicagoMeetingSpec("leo"), backend: "fitbit-legacy" }], "2026-11-25T15:30:00Z");
    await expect(probeParticipantTracker(world.runtime, "leo")).rejects.toMatchObject({ code: "INVALID_INPUT", key: "participant" });
    await expect(probeParticipantTracker(world.runtime, "nobody")).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
  });
});
