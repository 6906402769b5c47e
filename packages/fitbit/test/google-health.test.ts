import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGoogleHealthTracker, createOAuthClient, createTokenManager, googleOAuthProvider, GOOGLE_HEALTH_SCOPES, type RequestInfo } from "../src/index.js";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "../src/simulator/index.js";
import { memoryStore } from "./_helpers.js";

const day = { date: "2026-11-25", timeZone: "America/Los_Angeles" };
let sim: GoogleHealthSimulator;

function setup(userId: string, scopes?: string[], extra: { onRequest?: (i: RequestInfo) => void } = {}) {
  if (!sim.state.hasUser(userId)) sim.state.addUser({ userId, timeZone: "America/Los_Angeles", legacyUserId: "A1B2C3" });
  const minted = sim.state.issueTokens(userId, scopes);
  const store = memoryStore({ [userId]: { ...minted } });
  const oauth = createOAuthClient(googleOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/cb", tokenEndpoint: `${sim.oauthUrl}/token`, revocationEndpoint: `${sim.oauthUrl}/revoke` }));
  const tokens = createTokenManager({ oauth, store });
  const tracker = createGoogleHealthTracker({ baseUrl: sim.url, tokens, retry: { baseDelayMs: 1 }, timeoutMs: 2000, onRequest: extra.onRequest });
  return { tracker, store, tokens };
}

beforeAll(async () => {
  sim = await startGoogleHealthSimulator({ users: [] });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.state.settings.duplicateCreate = "409";
  sim.state.settings.perUserPerMinute = 300;
});

describe("Google Health tracker", () => {
  it("reads the participant's time zone and identity", async () => {
    const { tracker } = setup("tz-user");
    await expect(tracker.getTimeZone("tz-user")).resolves.toBe("America/Los_Angeles");
    await expect(tracker.getIdentity("tz-user")).resolves.toEqual({ healthUserId: "tz-user", legacyUserId: "A1B2C3" });
  });

  it("creates one WALKING exercise for the day, with steps and label, inside that local day", async () => {
    const { tracker } = setup("create-user");
    const result = await tracker.showDay({ accountKey: "create-user", ...day, steps: 6000, label: "PowerToken: 3 of 5" });
    expect(result).toMatchObject({ steps: 6000, label: "PowerToken: 3 of 5", created: true, removedEntryIds: [] });
    expect(result.entryId).toMatch(/^pt-20261125-[0-9a-f]{12}$/);
    expect(sim.state.viewDay("create-user", "2026-11-25").powertoken).toEqual({ steps: 6000, label: "PowerToken: 3 of 5", entryId: result.entryId });
    const stored = sim.state.points("create-user").get(result.entryId)!.body.exercise as unknown as { exerciseType: string; interval: { startUtcOffset: string; startTime: string } };
    expect(stored.exerciseType).toBe("WALKING");
    expect(stored.interval.startUtcOffset).toBe("-28800s");
    // The first minute of the local day (00:00 in Los Angeles), never in the future.
    expect(stored.interval.startTime).toBe("2026-11-25T08:00:00.000Z");
  });

  it("is idempotent: showing a day twice leaves one point, updated by a PATCH", async () => {
    const seen: string[] = [];
    const { tracker } = setup("twice-user", undefined, { onRequest: (i) => seen.push(`${i.endpoint} ${i.status}`) });
    const first = await tracker.showDay({ accountKey: "twice-user", ...day, steps: 1000, label: "1 of 5" });
    seen.length = 0;
    const second = await tracker.showDay({ accountKey: "twice-user", ...day, steps: 2000, label: "2 of 5", knownEntryId: first.entryId });
    expect(second).toMatchObject({ entryId: first.entryId, created: false, steps: 2000 });
    expect(seen).toEqual(["PATCH /v4/users/me/dataTypes/exercise/dataPoints/{id} 200"]);
    expect(sim.state.points("twice-user").size).toBe(1);
    await expect(tracker.readDay({ accountKey: "twice-user", ...day })).resolves.toEqual({ entryId: first.entryId, steps: 2000, label: "2 of 5" });
  });

  it("treats a 409 ALREADY_EXISTS on create as 'exists' and PATCHes", async () => {
    const { tracker } = setup("dup-user");
    await tracker.showDay({ accountKey: "dup-user", ...day, steps: 10, label: "a" });
    const again = await tracker.showDay({ accountKey: "dup-user", ...day, steps: 20, label: "b" });
    expect(again.created).toBe(false);
    expect(sim.state.viewDay("dup-user", day.date).powertoken?.steps).toBe(20);
  });

  it("inspects the Operation error: ALREADY_EXISTS inside a 200 also leads to a PATCH", async () => {
    sim.state.settings.duplicateCreate = "operation-error";
    const { tracker } = setup("op-user");
    await tracker.showDay({ accountKey: "op-user", ...day, steps: 10, label: "a" });
    const again = await tracker.showDay({ accountKey: "op-user", ...day, steps: 30, label: "c" });
    expect(again.created).toBe(false);
    expect(sim.state.viewDay("op-user", day.date).powertoken).toMatchObject({ steps: 30, label: "c" });
  });

  it("recreates the point when the known entry was deleted meanwhile (PATCH 404 → create)", async () => {
    const { tracker } = setup("gone-user");
    const first = await tracker.showDay({ accountKey: "gone-user", ...day, steps: 5, label: "x" });
    sim.state.points("gone-user").clear();
    const again = await tracker.showDay({ accountKey: "gone-user", ...day, steps: 6, label: "y", knownEntryId: first.entryId });
    expect(again.created).toBe(true);
  });

  it("reads null for a day without a point, and clearDay removes only PowerToken's point", async () => {
    const { tracker } = setup("own-user");
    await expect(tracker.readDay({ accountKey: "own-user", ...day })).resolves.toBeNull();
    const ownId = sim.state.addOwnExercise("own-user", { date: day.date, steps: 4321, label: "Morning walk" });
    sim.state.setDeviceSteps("own-user", day.date, 8000);
    await tracker.showDay({ accountKey: "own-user", ...day, steps: 100, label: "p" });
    expect(sim.state.viewDay("own-user", day.date).own).toEqual([{ entryId: ownId, steps: 4321, label: "Morning walk" }]);
    const cleared = await tracker.clearDay({ accountKey: "own-user", ...day });
    expect(cleared.removedEntryIds).toHaveLength(1);
    expect(sim.state.viewDay("own-user", day.date)).toEqual({ powertoken: null, own: [{ entryId: ownId, steps: 4321, label: "Morning walk" }], totalSteps: 8000 });
    await expect(tracker.clearDay({ accountKey: "own-user", ...day })).resolves.toEqual({ removedEntryIds: [] });
  });

  it("says a goal cannot be set on Google Health", async () => {
    const { tracker } = setup("goal-user");
    await expect(tracker.ensureDailyStepGoal("goal-user", 10000)).resolves.toEqual({ supported: false, changed: false });
  });

  it("maps a missing writeonly scope to INSUFFICIENT_SCOPE", async () => {
    const { tracker } = setup("ro-user", [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.settingsRead]);
    await expect(tracker.showDay({ accountKey: "ro-user", ...day, steps: 1, label: "x" })).rejects.toMatchObject({ code: "INSUFFICIENT_SCOPE", status: 403 });
  });

  it("renews an expired access token once, then retries the call", async () => {
    const { tracker } = setup("exp-user");
    sim.state.oauth.expireAccessTokens("exp-user");
    const before = sim.state.stats.refreshes;
    await expect(tracker.getTimeZone("exp-user")).resolves.toBe("America/Los_Angeles");
    expect(sim.state.stats.refreshes).toBe(before + 1);
  });

  it("gives UNAUTHORIZED when the renewed token is still rejected", async () => {
    const { tracker } = setup("u401-user");
    sim.failNext({ status: 401, count: 2, match: "/v4/", body: { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } } });
    await expect(tracker.getTimeZone("u401-user")).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
  });

  it("gives REAUTH_REQUIRED when the participant revoked the grant", async () => {
    const { tracker, store } = setup("rev-user");
    sim.state.revokeGrant("rev-user");
    await expect(tracker.getTimeZone("rev-user")).rejects.toMatchObject({ code: "REAUTH_REQUIRED", upstreamCode: "invalid_grant" });
    expect(store.reauth).toEqual([{ accountKey: "rev-user", reason: "invalid_grant" }]);
  });

  it("enforces the per-user rate limit with 429 → RATE_LIMITED", async () => {
    const { tracker } = setup("rate-user");
    sim.state.settings.perUserPerMinute = 2;
    await tracker.getTimeZone("rate-user");
    await tracker.getTimeZone("rate-user");
    await expect(createGoogleHealthTracker({ baseUrl: sim.url, tokens: setup("rate-user").tokens, retry: false }).getTimeZone("rate-user")).rejects.toMatchObject({ code: "RATE_LIMITED", status: 429, upstreamCode: "RATE_LIMIT_EXCEEDED" });
  });

  it("honours Retry-After on 429 and retries", async () => {
    const { tracker } = setup("ra-user");
    const waits: number[] = [];
    const t = createGoogleHealthTracker({ baseUrl: sim.url, tokens: setup("ra-user").tokens, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    sim.failNext({ status: 429, headers: { "retry-after": "2" }, body: { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } } });
    await expect(t.getTimeZone("ra-user")).resolves.toBe("America/Los_Angeles");
    expect(waits).toEqual([2000]);
    sim.failNext({ status: 429, headers: { "retry-after": "3600" } });
    await expect(tracker.getTimeZone("ra-user")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 3_600_000 });
  });

  it("retries 503 and gives SERVER when it persists", async () => {
    const { tracker } = setup("srv-user");
    sim.failNext({ status: 503, count: 1 });
    await expect(tracker.getTimeZone("srv-user")).resolves.toBe("America/Los_Angeles");
    sim.failNext({ status: 503, count: 3 });
    await expect(tracker.getTimeZone("srv-user")).rejects.toMatchObject({ code: "SERVER", status: 503 });
  });

  it("gives NETWORK on a dropped connection and on a timeout", async () => {
    const { tracker } = setup("net-user");
    sim.failNext({ reset: true, count: 3 });
    await expect(tracker.getTimeZone("net-user")).rejects.toMatchObject({ code: "NETWORK" });
    const slow = createGoogleHealthTracker({ baseUrl: sim.url, tokens: setup("net-user").tokens, timeoutMs: 50, retry: false });
    sim.failNext({ delayMs: 300 });
    await expect(slow.getTimeZone("net-user")).rejects.toMatchObject({ code: "NETWORK" });
  });

  it("maps NOT_FOUND, BAD_REQUEST, FORBIDDEN, API_NOT_ENABLED, CONFLICT and ACCOUNT_NOT_LINKED", async () => {
    const { tracker } = setup("map-user");
    const cases: Array<[number, string, string | undefined, string]> = [
      [404, "NOT_FOUND", undefined, "NOT_FOUND"],
      [400, "INVALID_ARGUMENT", undefined, "BAD_REQUEST"],
      [400, "FAILED_PRECONDITION", "ACCOUNT_NOT_LINKED", "ACCOUNT_NOT_LINKED"],
      [403, "PERMISSION_DENIED", undefined, "FORBIDDEN"],
      [403, "PERMISSION_DENIED", "SERVICE_DISABLED", "API_NOT_ENABLED"],
      [409, "ABORTED", undefined, "CONFLICT"],
    ];
    for (const [status, name, reason, code] of cases) {
      sim.failNext({ status, body: { error: { code: status, message: "m", status: name, details: reason ? [{ reason }] : [] } } });
      await expect(tracker.getTimeZone("map-user")).rejects.toMatchObject({ code, status, upstreamCode: reason ?? name });
    }
  });

  it("maps an Operation error other than ALREADY_EXISTS to its code", async () => {
    const { tracker } = setup("operr-user");
    sim.failNext({ status: 200, match: "/dataPoints", body: { done: true, error: { code: 7, message: "nope" } } });
    await expect(tracker.showDay({ accountKey: "operr-user", ...day, steps: 1, label: "x" })).rejects.toMatchObject({ code: "FORBIDDEN", upstreamCode: "PERMISSION_DENIED" });
  });

  it("rejects a malformed success body as INVALID_RESPONSE naming the path", async () => {
    const { tracker } = setup("bad-user");
    sim.failNext({ status: 200, match: "/settings", body: { utcOffset: "0s" } });
    await expect(tracker.getTimeZone("bad-user")).rejects.toMatchObject({ code: "INVALID_RESPONSE", message: expect.stringContaining("timeZone") as string });
  });

  it("rejects bad input before calling the API", async () => {
    const { tracker } = setup("input-user");
    await expect(tracker.showDay({ accountKey: "input-user", date: "25.11.2026", timeZone: "UTC", steps: 1, label: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(tracker.showDay({ accountKey: "input-user", ...day, steps: -1, label: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(createGoogleHealthTracker({ tokens: setup("input-user").tokens, idPrefix: "PT" }).readDay({ accountKey: "a", ...day })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("lists a civil day's exercises in the simulator with the documented filter", async () => {
    const { tracker } = setup("list-user");
    await tracker.showDay({ accountKey: "list-user", ...day, steps: 1, label: "x" });
    sim.state.addOwnExercise("list-user", { date: "2026-11-24", steps: 5 });
    const token = sim.state.issueTokens("list-user").accessToken;
    const filter = 'exercise.interval.civil_start_time >= "2026-11-25" AND exercise.interval.civil_start_time < "2026-11-26"';
    const res = await fetch(`${sim.url}/v4/users/me/dataTypes/exercise/dataPoints?filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { dataPoints: unknown[] };
    expect(body.dataPoints).toHaveLength(1);
  });
});
