import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFitbitLegacySimulator, type FitbitLegacySimulator } from "../src/simulator/index.js";

const clock = { now: new Date("2026-11-25T15:30:00Z") };
let sim: FitbitLegacySimulator;
let alice: string;
let bob: string;

const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? alice : init.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return fetch(sim.url + path, { ...init, headers });
};
const createWalk = (query: string, token = alice) => api(`/1/user/-/activities.json?${query}`, { method: "POST", token });
const WALK = "activityId=90013&startTime=00:00&durationMillis=60000&date=2026-11-25&distance=12345&distanceUnit=steps";

beforeAll(async () => {
  sim = await startFitbitLegacySimulator({ now: () => clock.now, users: [{ userId: "ALICE1", timeZone: "America/Chicago" }, { userId: "BOB222", timeZone: "Asia/Tokyo" }] });
  alice = sim.state.issueTokens("ALICE1").accessToken;
  bob = sim.state.issueTokens("BOB222").accessToken;
});
afterAll(() => sim.close());

describe("startFitbitLegacySimulator: activity logs", () => {
  it("creates a log with 201, a substituted intensity id under parent 90013, and a 19-digit id as a bare JSON number", async () => {
    const response = await createWalk(WALK);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    const text = await response.text();
    expect(text).toMatch(/"logId":\d{19}[,}]/);
    const { activityLog } = JSON.parse(text) as { activityLog: Record<string, unknown> };
    expect(activityLog).toMatchObject({ activityParentId: 90013, steps: 12345, startTime: "00:00", duration: 60000, startDate: "2026-11-25" });
    expect(activityLog.activityId).not.toBe(90013);
  });

  it("accepts the create parameters as a form body too", async () => {
    const response = await api("/1/user/-/activities.json", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: WALK });
    expect(response.status).toBe(201);
  });

  it("rejects a create without an activity with Fitbit's validation envelope", async () => {
    const response = await createWalk("startTime=00:00&durationMillis=60000&date=2026-11-25");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ errorType: "validation", fieldName: "n/a", message: 'Either "activityId" or "activityName" should be present' }], success: false });
    const bad = await createWalk(WALK.replace("date=2026-11-25", "date=2026-02-30"));
    expect(await bad.json()).toMatchObject({ errors: [{ fieldName: "date" }] });
  });

  it("deletes with 204, answers 404 for an unknown id and 403 for another user's log", async () => {
    const id = /"logId":(\d+)/.exec(await (await createWalk(WALK)).text())![1]!;
    const bobs = await (await createWalk(WALK, bob)).text();
    const bobId = /"logId":(\d+)/.exec(bobs)![1]!;
    expect((await api(`/1/user/-/activities/${bobId}.json`, { method: "DELETE" })).status).toBe(403);
    const deleted = await api(`/1/user/-/activities/${id}.json`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    const again = await api(`/1/user/-/activities/${id}.json`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ errors: [{ errorType: "not_found" }] });
  });

  it("lists logs with pagination: next and previous are URLs or the empty string", async () => {
    for (const d of ["2026-10-01", "2026-10-02", "2026-10-03"]) sim.state.addOwnWalk("BOB222", d, 1000);
    const first = (await (await api("/1/user/-/activities/list.json?afterDate=2026-09-30&sort=asc&limit=2&offset=0", { token: bob })).json()) as {
      activities: Array<{ startTime: string }>;
      pagination: { next: string; previous: string };
    };
    expect(first.activities).toHaveLength(2);
    expect(first.activities[0]!.startTime).toBe("2026-10-01T08:00:00.000+09:00");
    expect(first.pagination.previous).toBe("");
    const next = new URL(first.pagination.next);
    const second = (await (await api(next.pathname + next.search, { token: bob })).json()) as { pagination: { next: string; previous: string } };
    expect(second.pagination.previous).not.toBe("");
    expect((await api("/1/user/-/activities/list.json?afterDate=2026-09-30&sort=desc&limit=2&offset=0", { token: bob })).status).toBe(400);
    expect((await api("/1/user/-/activities/list.json?afterDate=2026-09-30&sort=asc&limit=101&offset=0", { token: bob })).status).toBe(400);
    expect((await api("/1/user/-/activities/list.json?afterDate=2026-09-30T10&sort=asc&limit=2&offset=0", { token: bob })).status).toBe(400);
  });
});

describe("startFitbitLegacySimulator: profile, goals, summary, series", () => {
  it("serves the profile with the user's time zone and current offset", async () => {
    const body = (await (await api("/1/user/-/profile.json")).json()) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({ encodedId: "ALICE1", timezone: "America/Chicago", offsetFromUTCMillis: -21_600_000 });
  });

  it("reads and sets the daily goal with query or form parameters, validating the value", async () => {
    expect(await (await api("/1/user/-/activities/goals/daily.json")).json()).toMatchObject({ goals: { steps: 10_000 } });
    const set = await api("/1/user/-/activities/goals/daily.json?period=daily&type=steps&value=100000", { method: "POST" });
    expect(await set.json()).toMatchObject({ goals: { steps: 100_000 } });
    const form = await api("/1/user/-/activities/goals/daily.json", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "type=floors&value=12" });
    expect(await form.json()).toMatchObject({ goals: { floors: 12, steps: 100_000 } });
    const bad = await api("/1/user/-/activities/goals/daily.json?type=steps&value=-3", { method: "POST" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ errorType: "validation", fieldName: "value" }] });
  });

  it("sums tracked steps and every log into the daily summary and the string-valued steps series", async () => {
    sim.state.addUser({ userId: "CAROL3", timeZone: "UTC" });
    const carol = sim.state.issueTokens("CAROL3").accessToken;
    sim.state.addTrackedSteps("CAROL3", "2026-11-24", 500);
    sim.state.addOwnWalk("CAROL3", "2026-11-24", 250);
    const summary = (await (await api("/1/user/-/activities/date/2026-11-24.json", { token: carol })).json()) as { activities: unknown[]; summary: { steps: number } };
    expect(summary.summary.steps).toBe(750);
    expect(summary.activities).toHaveLength(1);
    const series = await (await api("/1/user/-/activities/steps/date/2026-11-25/7d.json", { token: carol })).json();
    expect((series as { "activities-steps": unknown[] })["activities-steps"]).toHaveLength(7);
    expect(series).toMatchObject({ "activities-steps": expect.arrayContaining([{ dateTime: "2026-11-24", value: "750" }, { dateTime: "2026-11-25", value: "0" }]) });
    expect(sim.state.viewDay("CAROL3", "2026-11-24")).toMatchObject({ powertoken: null, totalSteps: 750, stepGoal: 10_000 });
  });
});

describe("startFitbitLegacySimulator: auth, quota, shutdown", () => {
  it("answers 401 with the envelope for a missing, invalid or expired token, echoing the token like Fitbit", async () => {
    expect(await (await api("/1/user/-/profile.json", { token: null })).json()).toMatchObject({ errors: [{ errorType: "invalid_request" }] });
    const invalid = await (await api("/1/user/-/profile.json", { token: "nope-nope" })).json();
    expect(JSON.stringify(invalid)).toContain("nope-nope");
    const { accessToken } = sim.state.issueTokens("CAROL3");
    sim.state.expireAccessTokens("CAROL3");
    const expired = await api("/1/user/-/profile.json", { token: accessToken });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ errors: [{ errorType: "expired_token" }], success: false });
  });

  it("refuses another user's path with 403", async () => {
    expect((await api("/1/user/BOB222/profile.json")).status).toBe(403);
    expect((await api("/1/user/ALICE1/profile.json")).status).toBe(200);
  });

  it("limits each user to the hourly quota, with headers on every answer and a 429 + Retry-After beyond it", async () => {
    const limited = await startFitbitLegacySimulator({ now: () => clock.now, rateLimitPerHour: 2, users: [{ userId: "Q1" }] });
    try {
      const token = limited.state.issueTokens("Q1").accessToken;
      const call = () => fetch(`${limited.url}/1/user/-/profile.json`, { headers: { authorization: `Bearer ${token}` } });
      const first = await call();
      expect([first.headers.get("fitbit-rate-limit-limit"), first.headers.get("fitbit-rate-limit-remaining"), first.headers.get("fitbit-rate-limit-reset")]).toEqual(["2", "1", "1800"]);
      await call();
      const over = await call();
      expect(over.status).toBe(429);
      expect(over.headers.get("retry-after")).toBe("1800");
      expect(await over.json()).toMatchObject({ errors: [{ errorType: "system" }] });
    } finally {
      await limited.close();
    }
  });

  it("answers 410 on every API and OAuth path once switched off", async () => {
    sim.state.setGone(true);
    try {
      expect((await api("/1/user/-/profile.json")).status).toBe(410);
      const token = await fetch(`${sim.oauthUrl}/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "x" }) });
      expect(token.status).toBe(410);
    } finally {
      sim.state.setGone(false);
    }
  });

  it("serves Fitbit's OAuth token endpoint in rotation mode: a used refresh token is rejected", async () => {
    const { refreshToken } = sim.state.issueTokens("ALICE1");
    const basic = `Basic ${Buffer.from("sim-client:sim-secret").toString("base64")}`;
    const refresh = () =>
      fetch(`${sim.oauthUrl}/token`, { method: "POST", headers: { authorization: basic }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }) });
    const first = (await (await refresh()).json()) as { access_token: string; refresh_token: string; user_id: string };
    expect(first).toMatchObject({ user_id: "ALICE1" });
    expect(first.refresh_token).not.toBe(refreshToken);
    await fetch(`${sim.url}/1/user/-/profile.json`, { headers: { authorization: `Bearer ${first.access_token}` } }); // closes the replay window
    expect((await refresh()).status).toBe(400);
  });

  it("logs method, path and status only", () => {
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(Object.keys(sim.requests[0]!).sort()).toEqual(["method", "path", "status"]);
    expect(JSON.stringify(sim.requests)).not.toContain(alice);
  });
});
