import { loadWeconnectAccount, listTrackerAccounts, saveTrackerAccount, updateParticipant } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigSchema,
  beginTrackerConsent,
  completeTrackerConsent,
  createRuntime,
  describeParticipant,
  enrolParticipant,
  findParticipant,
  getStatusReport,
  linkWeconnect,
  participantState,
  pollParticipantNow,
  removeParticipant,
  settleParticipantStatus,
} from "../src/index.js";
import { DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

describe("participantState", () => {
  const active = { status: "active" } as const;
  it("asks for WEconnect first, then the tracker, then is active", () => {
    expect(participantState({ participant: { status: "needs-weconnect-signin" }, weconnect: null, trackers: [] })).toBe("needs-weconnect-signin");
    expect(participantState({ participant: { status: "needs-weconnect-signin" }, weconnect: active, trackers: [] })).toBe("needs-tracker-consent");
    expect(participantState({ participant: { status: "needs-tracker-consent" }, weconnect: active, trackers: [{ backend: "fitbit-legacy", status: "active" }] })).toBe("active");
  });
  it("keeps needs-google-health until a Google Health account is active, and never leaves ended", () => {
    expect(participantState({ participant: { status: "needs-google-health" }, weconnect: active, trackers: [{ backend: "fitbit-legacy", status: "active" }] })).toBe("needs-google-health");
    expect(participantState({ participant: { status: "needs-google-health" }, weconnect: active, trackers: [{ backend: "google-health", status: "active" }] })).toBe("active");
    expect(participantState({ participant: { status: "ended" }, weconnect: null, trackers: [] })).toBe("ended");
  });
});

describe.each(DIALECTS)("participant administration on %s", (dialect) => {
  let world: DbWorld;
  beforeAll(async () => {
    world = await startDbWorld(dialect, [], "2026-12-01T15:00:00Z");
  });
  afterAll(async () => {
    await world?.close();
  });

  it("enrols with the config's defaults and names the field of a bad value", async () => {
    const p = await enrolParticipant(world.runtime, { name: "enrol-a", timeZone: "America/Chicago" });
    expect(p).toMatchObject({ name: "enrol-a", status: "needs-weconnect-signin", mapping: "plan", enrollmentStart: "2026-12-01" });
    await expect(enrolParticipant(world.runtime, { name: "enrol-b", timeZone: "Mars/Olympus" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "timeZone" });
    await expect(enrolParticipant(world.runtime, { name: "enrol-a" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "name" });
    await expect(enrolParticipant(world.runtime, { name: "enrol-c", startDate: "2026-12-05", endDate: "2026-12-01" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "endDate" });
  });

  it("finds a participant by name or id and says PARTICIPANT_NOT_FOUND otherwise", async () => {
    const p = await enrolParticipant(world.runtime, { name: "find-me" });
    await expect(findParticipant(world.runtime, "find-me")).resolves.toMatchObject({ id: p.id });
    await expect(findParticipant(world.runtime, p.id)).resolves.toMatchObject({ name: "find-me" });
    await expect(findParticipant(world.runtime, String(p.id))).resolves.toMatchObject({ name: "find-me" });
    await expect(findParticipant(world.runtime, "nobody")).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
  });

  it("links WEconnect, stores the token encrypted and never the password, then asks for the tracker", async () => {
    const p = await enrolParticipant(world.runtime, { name: "link-w" });
    const person = world.weconnectSim.state.addPerson({ email: "link-w@example.org", password: "s3cret-pw", timeZone: "UTC" });
    const logged: string[] = [];
    const log = { debug: (m: string, f?: object) => logged.push(m + JSON.stringify(f)), info: (m: string, f?: object) => logged.push(m + JSON.stringify(f)), warn: () => {}, error: () => {} };
    const runtime = { ...world.runtime, ctx: { ...world.runtime.ctx, log } };
    const result = await linkWeconnect(runtime, { participantId: p.id, email: "link-w@example.org", password: "s3cret-pw" });
    expect(result).toMatchObject({ personId: String(person.id), status: "needs-tracker-consent" });
    const stored = await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, p.id);
    expect(stored?.personId).toBe(String(person.id));
    const raw = await world.runtime.db.db.selectFrom("weconnect_accounts").selectAll().where("participant_id", "=", p.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(stored!.accessToken);
    expect(JSON.stringify(raw) + logged.join("")).not.toContain("s3cret-pw");
  });

  it("tells a rejected password from an unavailable WEconnect, without the password in the error", async () => {
    const p = await enrolParticipant(world.runtime, { name: "link-x" });
    world.weconnectSim.state.addPerson({ email: "link-x@example.org", password: "right-pw", timeZone: "UTC" });
    const wrong = await linkWeconnect(world.runtime, { participantId: p.id, email: "link-x@example.org", password: "wrong-pw" }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: "WECONNECT_CREDENTIALS_REJECTED", retryable: false });
    expect(String(wrong) + JSON.stringify(wrong) + String((wrong as Error).cause)).not.toContain("wrong-pw");
    world.weconnectSim.failNext({ status: 503 });
    await expect(linkWeconnect(world.runtime, { participantId: p.id, email: "link-x@example.org", password: "right-pw" })).rejects.toMatchObject({ code: "WECONNECT_UNAVAILABLE", retryable: true });
    expect(await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, p.id)).toBeNull();
  });

  it("refuses to link without an encryption key, naming the setting", async () => {
    const p = await enrolParticipant(world.runtime, { name: "no-key" });
    const keyless = { ...world.runtime, db: { ...world.runtime.db, keys: undefined } };
    await expect(linkWeconnect(keyless, { participantId: p.id, email: "a@b.c", password: "x" })).rejects.toMatchObject({ code: "NOT_CONFIGURED", key: "encryption.key" });
  });

  async function consent(name: string, backend: "google-health" | "fitbit-legacy" = "google-health") {
    const p = await findParticipant(world.runtime, name);
    const begun = await beginTrackerConsent(world.runtime, { participantId: p.id, backend, redirectUri: "http://127.0.0.1:9/callback", loginHint: name });
    expect(begun.authorizationUrl).toContain("code_challenge_method=S256");
    const response = await fetch(begun.authorizationUrl, { redirect: "manual" });
    return { p, begun, callbackUrl: response.headers.get("location")! };
  }

  it("completes a Google Health consent, moves a legacy participant over and stores the tokens encrypted", async () => {
    const p = await enrolParticipant(world.runtime, { name: "mover" });
    const keys = world.runtime.db.keys;
    const person = world.weconnectSim.state.addPerson({ email: "mover@example.org", password: "pw", timeZone: "UTC" });
    await linkWeconnect(world.runtime, { participantId: p.id, email: "mover@example.org", password: "pw" });
    expect(person.id).toBeGreaterThan(0);
    await saveTrackerAccount(world.runtime.db.db, keys, { participantId: p.id, backend: "fitbit-legacy", accessToken: "legacy-at", refreshToken: "legacy-rt", expiresAt: new Date("2026-12-02T00:00:00Z"), scopes: ["activity", "profile"] });
    await updateParticipant(world.runtime.db.db, p.id, { status: "needs-google-health" });
    const { begun, callbackUrl } = await consent("mover");
    const done = await completeTrackerConsent(world.runtime, { participantId: p.id, backend: "google-health", callbackUrl, expectedState: begun.state, codeVerifier: begun.codeVerifier, redirectUri: begun.redirectUri });
    expect(done).toMatchObject({ backend: "google-health", status: "active" });
    const accounts = await listTrackerAccounts(world.runtime.db.db, p.id);
    expect(accounts.map((a) => a.backend).sort()).toEqual(["fitbit-legacy", "google-health"]);
    // The same code again is a replay: refused, nothing changed.
    await expect(completeTrackerConsent(world.runtime, { participantId: p.id, backend: "google-health", callbackUrl, expectedState: begun.state, codeVerifier: begun.codeVerifier, redirectUri: begun.redirectUri })).rejects.toMatchObject({ code: "CONSENT_INVALID" });
  });

  it("maps denial, missing scopes and a state mismatch to their codes and stores nothing", async () => {
    const p = await enrolParticipant(world.runtime, { name: "refuser" });
    const begun = await beginTrackerConsent(world.runtime, { participantId: p.id, backend: "google-health", redirectUri: "http://127.0.0.1:9/callback" });
    const base = { participantId: p.id, backend: "google-health" as const, expectedState: begun.state, codeVerifier: begun.codeVerifier, redirectUri: begun.redirectUri };
    await expect(completeTrackerConsent(world.runtime, { ...base, callbackUrl: `${begun.redirectUri}?error=access_denied&state=${begun.state}` })).rejects.toMatchObject({ code: "CONSENT_DENIED" });
    const { callbackUrl } = await consent("refuser");
    await expect(completeTrackerConsent(world.runtime, { ...base, callbackUrl })).rejects.toMatchObject({ code: "CONSENT_INVALID" });
    world.googleSim.state.oauth.autoApprove.scopes = ["https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly"];
    try {
      const again = await consent("refuser");
      const error = await completeTrackerConsent(world.runtime, { ...base, callbackUrl: again.callbackUrl, expectedState: again.begun.state, codeVerifier: again.begun.codeVerifier }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "CONSENT_SCOPES_MISSING" });
      expect((error as { missingScopes: string[] }).missingScopes).toContain("https://www.googleapis.com/auth/googlehealth.activity_and_fitness.writeonly");
      expect(String(error) + JSON.stringify(error)).not.toContain(again.begun.codeVerifier);
    } finally {
      world.googleSim.state.oauth.autoApprove.scopes = null;
    }
    expect(await listTrackerAccounts(world.runtime.db.db, p.id)).toEqual([]);
  });

  it("says NOT_CONFIGURED naming the keys when the backend has no OAuth client", async () => {
    const p = await enrolParticipant(world.runtime, { name: "no-client" });
    const bare = { ...world.runtime, config: ConfigSchema.parse({}) };
    await expect(beginTrackerConsent(bare, { participantId: p.id, backend: "fitbit-legacy" })).rejects.toMatchObject({ code: "NOT_CONFIGURED", message: expect.stringContaining("POWERTOKEN_FITBIT_CLIENT_ID") });
  });

  it("reports status, description and an unreadable token instead of hiding it", async () => {
    const p = await findParticipant(world.runtime, "link-w");
    const report = await getStatusReport(world.runtime);
    const row = report.participants.find((r) => r.id === p.id)!;
    expect(row).toMatchObject({ state: "needs-tracker-consent", tokens: { weconnect: "ok", tracker: "none" }, tokenProblem: null });
    expect(report.counts["needs-tracker-consent"]).toBeGreaterThanOrEqual(1);
    const other = { ...world.runtime, db: { ...world.runtime.db, keys: { current: { id: "k9", key: Buffer.alloc(32, 7) }, previous: [] } } };
    const unreadable = (await getStatusReport(other, { participantIds: [p.id] })).participants[0]!;
    expect(unreadable).toMatchObject({ tokens: { weconnect: "unreadable (KEY_MISMATCH)" }, tokenProblem: { code: "KEY_MISMATCH" } });
    const described = await describeParticipant(other, p.id);
    expect(described).toMatchObject({ weconnect: null, tokenProblem: { code: "KEY_MISMATCH" } });
    await expect(settleParticipantStatus(other, p.id)).rejects.toMatchObject({ code: "KEY_MISMATCH" });
  });

  it("polls one participant now and removes a participant", async () => {
    const p = await findParticipant(world.runtime, "link-w");
    await expect(pollParticipantNow(world.runtime, p.id)).resolves.toMatchObject({ participantId: p.id, outcome: "skipped", code: "NOT_ACTIVE" });
    await removeParticipant(world.runtime, p.id);
    await expect(findParticipant(world.runtime, p.id)).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
    await expect(removeParticipant(world.runtime, p.id)).rejects.toMatchObject({ code: "PARTICIPANT_NOT_FOUND" });
  });
});

describe("createRuntime", () => {
  it("exposes the config it was built from", async () => {
    const config = ConfigSchema.parse({ database: { url: ":memory:" }, web: { publicUrl: "https://pt.example.org/study", studyName: "Pilot" } });
    const runtime = await createRuntime(config);
    try {
      expect(runtime.config.web).toMatchObject({ publicUrl: "https://pt.example.org/study", studyName: "Pilot", trustProxy: false });
    } finally {
      await runtime.close();
    }
  });
});
