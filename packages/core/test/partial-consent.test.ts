import { findParticipantById, listTrackerAccounts, saveTrackerAccount } from "@powertoken/db";
import { GOOGLE_HEALTH_SCOPES } from "@powertoken/fitbit";
import { afterEach, describe, expect, it } from "vitest";
import { beginTrackerConsent, completeTrackerConsent, enrolParticipant, getStatusReport, linkWeconnect, runPoll } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const DAY = "2026-11-25";

describe.each(DIALECTS)("partial Google Health consent on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  /** Re-saves the participant's Google grant with only `scopes`. */
  async function grantOnly(w: DbWorld, name: string, scopes: string[]) {
    const { id } = w.people.get(name)!;
    const tokens = w.googleSim.state.issueTokens(name, scopes);
    await saveTrackerAccount(w.runtime.db.db, w.runtime.db.keys, { participantId: id, backend: "google-health", ...tokens });
    return id;
  }

  it("keeps a consent without the write permission as needs consent, its latest error naming the permission", async () => {
    world = await startDbWorld(dialect, [], "2026-11-25T15:30:00Z");
    const p = await enrolParticipant(world.runtime, { name: "cara" });
    world.weconnectSim.state.addPerson({ email: "cara@example.org", password: "pw", timeZone: "UTC" });
    await linkWeconnect(world.runtime, { participantId: p.id, email: "cara@example.org", password: "pw" });
    world.googleSim.state.oauth.autoApprove.scopes = [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.settingsRead];
    const begun = await beginTrackerConsent(world.runtime, { participantId: p.id, backend: "google-health", redirectUri: "http://127.0.0.1:9/callback", loginHint: "cara" });
    const callbackUrl = (await fetch(begun.authorizationUrl, { redirect: "manual" })).headers.get("location")!;
    const error = await completeTrackerConsent(world.runtime, { participantId: p.id, backend: "google-health", callbackUrl, expectedState: begun.state, codeVerifier: begun.codeVerifier, redirectUri: begun.redirectUri }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONSENT_SCOPES_MISSING" });
    expect(await listTrackerAccounts(world.runtime.db.db, p.id)).toEqual([]);
    const [row] = (await getStatusReport(world.runtime)).participants;
    expect(row).toMatchObject({ state: "needs-tracker-consent", lastError: { code: "CONSENT_SCOPES_MISSING", message: expect.stringContaining(GOOGLE_HEALTH_SCOPES.activityWrite) } });
    expect(JSON.stringify(row)).not.toContain(begun.codeVerifier);
  });

  it("moves a participant whose stored grant lacks the write permission to needs consent on the next poll, naming it", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z");
    const { personId, activityIds } = world.people.get("ana")!;
    const id = await grantOnly(world, "ana", [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.settingsRead]);
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    const result = await runPoll(world.runtime.ctx, { all: true });
    expect(result).toMatchObject({ failed: 1, failuresByCode: { INSUFFICIENT_SCOPE: 1 } });
    expect((await findParticipantById(world.runtime.db.db, id))?.status).toBe("needs-tracker-consent");
    const [account] = await listTrackerAccounts(world.runtime.db.db, id);
    expect(account).toMatchObject({ status: "reauth-required", statusReason: expect.stringContaining(GOOGLE_HEALTH_SCOPES.activityWrite) });
  });

  it("writes for a participant who did not grant settings.readonly, in the time zone of their record", async () => {
    world = await startDbWorld(dialect, [chicagoMeetingSpec("ana")], "2026-11-25T15:30:00Z");
    const { personId, activityIds } = world.people.get("ana")!;
    await grantOnly(world, "ana", [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.activityWrite]);
    world.googleSim.state.setTimeZone("ana", "Asia/Tokyo"); // not readable, and not used
    world.weconnectSim.state.checkIn(personId, activityIds.meeting!);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    expect(world.view("ana", DAY).steps).toBe(10_000);
  });
});
