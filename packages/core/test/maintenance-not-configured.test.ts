import { changeParticipantStatus, listDriftChecks, listErrors, listJobRuns } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, runMaintenance, runOutcome, runPoll, runRecordedJob, type PowerTokenRuntime } from "../src/index.js";
import { DIALECTS, chicagoMeetingSpec, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// 15:30 UTC is 09:30 in Chicago: the 09:00 meeting is on today's list.
const START = "2026-11-25T15:30:00Z";
const TODAY = "2026-11-25";
const legacy = (name: string): DbPersonSpec => ({ ...chicagoMeetingSpec(name), backend: "fitbit-legacy" });

/**
 * The operator's case: the tracker's URLs are in the config file, its OAuth client id and secret
 * only in a shell, and the crontab's maintenance runs without them. Each test builds the study
 * with every client (the world's runtime), then opens a second runtime over the same database
 * whose config lacks the Google Health client, as cron's empty environment does.
 */
describe.each(DIALECTS)("maintenance without a tracker's OAuth client on %s", (dialect) => {
  let world: DbWorld | undefined;
  let cron: PowerTokenRuntime | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await cron?.close();
    await world?.close();
    cron = undefined;
    world = undefined;
  });

  /** Everyone checked in and polled (the tracker confirmed today), then 57 minutes on: each token runs out within the refresh margin, today is due for its drift check. */
  async function polledWorld(specs: DbPersonSpec[]): Promise<DbWorld> {
    schema = dialect === "postgres" ? `core_noclient_${Math.random().toString(16).slice(2, 10)}` : undefined;
    const w = await startDbWorld(dialect, specs, START, schema ? { schema } : {});
    for (const person of w.people.values()) w.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, TODAY);
    expect(await runPoll(w.runtime.ctx, { all: true })).toMatchObject({ written: specs.length, failed: 0 });
    w.clock.advanceMinutes(57);
    return w;
  }

  /** A runtime over the world's database whose config has no Google Health client id or secret. */
  async function withoutGoogleClient(w: DbWorld): Promise<PowerTokenRuntime> {
    const config = w.runtime.config;
    return createRuntime(
      { ...config, googleHealth: { ...config.googleHealth, clientId: undefined, clientSecret: undefined } },
      { now: () => w.clock.now, migrate: false, create: false, ...(schema === undefined ? {} : { schema }) },
    );
  }

  it("sends nothing to the tracker, records no INTERNAL error, still syncs WEconnect, names the setting and is a failed run", async () => {
    world = await polledWorld([chicagoMeetingSpec("ana")]);
    const ana = world.people.get("ana")!;
    // A new activity in WEconnect: the sync that needs no tracker client must still bring it in.
    world.weconnectSim.state.addActivity(ana.personId, { name: "yoga", dateStart: new Date("2026-11-25T20:00:00Z"), duration: 30, repeat: "daily", repeatEnd: null });
    cron = await withoutGoogleClient(world);
    expect(cron.ctx.trackers["google-health"]).toBeUndefined();
    const trackerRequests = world.googleSim.requests.length;

    const result = await runRecordedJob(cron, "maintenance", { replica: "cron" });
    expect(world.googleSim.requests.length).toBe(trackerRequests);
    expect(result).toMatchObject({ driftChecked: 0, driftFailed: 0, tokensRefreshed: 0, tokensFailed: 0, failed: 0, activitiesUpserted: 1, trackerPassesSkipped: true });
    expect(result.trackerNotConfigured).toEqual([
      {
        backend: "google-health",
        code: "NOT_CONFIGURED",
        setting: "googleHealth.clientId",
        message: expect.stringMatching(/googleHealth\.clientId.*POWERTOKEN_GOOGLE_CLIENT_ID and POWERTOKEN_GOOGLE_CLIENT_SECRET/),
        participants: 1,
        driftDays: 1,
        restoreChecks: 0,
      },
    ]);
    expect(runOutcome(result)).toBe("failed");
    expect((await listJobRuns(cron.db.db, { job: "maintenance", limit: 1 }))[0]).toMatchObject({ outcome: "failed", failed: 0 });
    expect((await listErrors(cron.db.db)).map((e) => e.code)).not.toContain("INTERNAL");
    // The day was not claimed: no check recorded, and a run with the client reads it at once.
    expect(await listDriftChecks(cron.db.db, ana.id)).toEqual([]);
    const configured = await runMaintenance(world.runtime.ctx);
    expect(configured).toMatchObject({ driftChecked: 1, driftFailed: 0, tokensRefreshed: 1 });
    expect(configured.trackerNotConfigured).toBeUndefined();
    expect(configured.trackerPassesSkipped).toBeUndefined();
  });

  it("does not try a flagged account's grant without the client, and tries it once the client is back", async () => {
    world = await polledWorld([chicagoMeetingSpec("ana")]);
    const ana = world.people.get("ana")!;
    // A flag that proves nothing about the grant: the restore pass would refresh it, given a client.
    await changeParticipantStatus(world.runtime.db.db, { participantId: ana.id, status: "needs-tracker-consent", reason: "UNAUTHORIZED", now: world.clock.now });
    cron = await withoutGoogleClient(world);
    const trackerRequests = world.googleSim.requests.length;
    const result = await runMaintenance(cron.ctx);
    expect(world.googleSim.requests.length).toBe(trackerRequests);
    expect(result).toMatchObject({ tokensChecked: 0, tokensRestored: 0, trackerPassesSkipped: true });
    expect(result.trackerNotConfigured).toMatchObject([{ backend: "google-health", restoreChecks: 1 }]);
    // An hour on (the restore's cadence), with the client: the grant still refreshes and the flag is lifted.
    world.clock.advanceMinutes(61);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ tokensChecked: 1, tokensRestored: 1 });
  });

  it("leaves a study on the legacy backend alone: no Google Health client is needed", async () => {
    world = await polledWorld([legacy("lee")]);
    cron = await withoutGoogleClient(world);
    const result = await runMaintenance(cron.ctx);
    expect(result).toMatchObject({ driftChecked: 1, driftFailed: 0, failed: 0 });
    expect(result.trackerNotConfigured).toBeUndefined();
    expect(result.trackerPassesSkipped).toBeUndefined();
    expect(runOutcome(result)).toBe("ok");
  });

  it("reports the missing client but is not a failed run when another backend's work went through", async () => {
    world = await polledWorld([chicagoMeetingSpec("ana"), legacy("lee")]);
    cron = await withoutGoogleClient(world);
    const trackerRequests = world.googleSim.requests.length;
    const result = await runMaintenance(cron.ctx);
    expect(world.googleSim.requests.length).toBe(trackerRequests);
    expect(result).toMatchObject({ driftChecked: 1, driftFailed: 0, failed: 0 });
    expect(result.trackerNotConfigured).toMatchObject([{ backend: "google-health", participants: 1, driftDays: 1 }]);
    expect(result.trackerPassesSkipped).toBeUndefined();
    expect(runOutcome(result)).toBe("ok");
  });
});
