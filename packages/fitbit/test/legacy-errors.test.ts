import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFitbitLegacyTracker, isFitbitError, MOVE_TO_GOOGLE_HEALTH, type FitbitError, type FitbitRateLimit, type RequestInfo } from "../src/index.js";
import { startLegacyHarness, type LegacyHarness } from "./fixtures/legacy-harness.js";

const TZ = "Europe/Berlin";
const DATE = "2026-11-20";
let h: LegacyHarness;
let n = 0;
const participant = (scopes?: string[]) => {
  const userId = `E${++n}`;
  return { userId, ...h.connect(userId, TZ, scopes) };
};
const day = (accountKey: string) => ({ accountKey, date: DATE, timeZone: TZ, label: "PowerToken" });
const envelope = (errorType: string, message = "x") => ({ errors: [{ errorType, fieldName: "n/a", message }], success: false });

async function failure(promise: Promise<unknown>): Promise<FitbitError> {
  try {
    await promise;
  } catch (error) {
    if (isFitbitError(error)) return error;
    throw error;
  }
  throw new Error("expected a FitbitError");
}

/** Everything an error could leak through: message, String(), every cause, own fields. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(String(current), JSON.stringify(current), (current as Error).stack ?? "");
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}

beforeAll(async () => {
  h = await startLegacyHarness();
});
afterAll(() => h.sim.close());

describe("authorization", () => {
  it("renews an expired access token once (rotating the refresh token), then retries the write", async () => {
    const { userId, refreshToken } = participant();
    h.sim.state.expireAccessTokens(userId);
    const refreshes = h.sim.state.oauth.stats.refreshes;
    await expect(h.tracker.showDay({ ...day(userId), steps: 10 })).resolves.toMatchObject({ created: true });
    expect(h.sim.state.oauth.stats.refreshes).toBe(refreshes + 1);
    expect(h.store.rows.get(userId)?.refreshToken).not.toBe(refreshToken);
  });

  it("a second 401 after the renewal ends as UNAUTHORIZED", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/1/user/", status: 401, body: envelope("expired_token"), count: 2 });
    const error = await failure(h.tracker.getTimeZone(userId));
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401, upstreamCode: "expired_token" });
  });

  it("an invalid (not expired) token is UNAUTHORIZED without a refresh", async () => {
    const { userId } = participant();
    h.store.rows.set(userId, { ...h.store.rows.get(userId)!, accessToken: "eyJhbGciOiJIUzI1NiJ9.bogus.bogus-token-value" });
    const refreshes = h.sim.state.oauth.stats.refreshes;
    const error = await failure(h.tracker.readDay(day(userId)));
    expect(error).toMatchObject({ code: "UNAUTHORIZED", upstreamCode: "invalid_token" });
    expect(h.sim.state.oauth.stats.refreshes).toBe(refreshes);
  });

  it("a token without the profile scope gives INSUFFICIENT_SCOPE (403 insufficient_scope)", async () => {
    const { userId } = participant(["activity"]);
    await expect(h.tracker.getTimeZone(userId)).rejects.toMatchObject({ code: "INSUFFICIENT_SCOPE", status: 403, upstreamCode: "insufficient_scope" });
  });

  it("a read-only app writing gets FORBIDDEN (403 insufficient_permissions)", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: /activities\.json$/, status: 403, body: envelope("insufficient_permissions", "Read-only API client is not authorized to update resources.") });
    await expect(h.tracker.showDay({ ...day(userId), steps: 1 })).rejects.toMatchObject({ code: "FORBIDDEN", upstreamCode: "insufficient_permissions" });
  });
});

describe("status codes", () => {
  it("a 404 on a read is NOT_FOUND", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/activities/date/", status: 404, body: envelope("not_found") });
    await expect(h.tracker.readDay(day(userId))).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
  });

  it("400 validation names the field", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/goals/", status: 400, body: { errors: [{ errorType: "validation", fieldName: "value", message: "Invalid value" }], success: false } });
    const error = await failure(h.tracker.ensureDailyStepGoal(userId, 5));
    expect(error).toMatchObject({ code: "BAD_REQUEST", upstreamCode: "validation" });
    expect(error.message).toContain("field value");
  });

  it("retries a 5xx on a read, then succeeds, reporting each attempt to onRequest", async () => {
    const { userId } = participant();
    const seen: RequestInfo[] = [];
    const tracker = createFitbitLegacyTracker({ baseUrl: h.sim.url, tokens: h.tokens, retry: { baseDelayMs: 1 }, onRequest: (info) => seen.push(info) });
    h.sim.failNext({ match: "/profile.json", status: 503, count: 2 });
    await expect(tracker.getTimeZone(userId)).resolves.toBe(TZ);
    expect(seen.map((info) => [info.api, info.endpoint, info.status, info.attempt])).toEqual([
      ["fitbit-legacy", "GET /1/user/-/profile.json", 503, 1],
      ["fitbit-legacy", "GET /1/user/-/profile.json", 503, 2],
      ["fitbit-legacy", "GET /1/user/-/profile.json", 200, 3],
    ]);
  });

  it("gives SERVER when the 5xx outlasts the retries", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/profile.json", status: 500, count: 3, body: envelope("system") });
    await expect(h.tracker.getTimeZone(userId)).rejects.toMatchObject({ code: "SERVER", status: 500 });
  });

  it("never retries the create POST (a retry could duplicate the log)", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: /\/activities\.json$/, status: 503 });
    const before = h.sim.requests.filter((r) => r.method === "POST").length;
    await expect(h.tracker.showDay({ ...day(userId), steps: 5 })).rejects.toMatchObject({ code: "SERVER" });
    expect(h.sim.requests.filter((r) => r.method === "POST").length).toBe(before + 1);
    expect(h.sim.state.viewDay(userId, DATE).powertokenEntries).toEqual([]);
  });

  it("a malformed 200 body is INVALID_RESPONSE, naming the endpoint only", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/activities/date/", status: 200, body: "<html>oops" });
    const error = await failure(h.tracker.readDay(day(userId)));
    expect(error).toMatchObject({ code: "INVALID_RESPONSE", endpoint: "GET /1/user/-/activities/date/:date.json" });
    h.sim.failNext({ match: "/profile.json", status: 200, body: { user: { timezone: 5 } } });
    await expect(h.tracker.getTimeZone(userId)).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
  });

  it("a reset connection is NETWORK after the retries", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/profile.json", reset: true, count: 3 });
    await expect(h.tracker.getTimeZone(userId)).rejects.toMatchObject({ code: "NETWORK" });
  });

  it("a slow answer is NETWORK after timeoutMs", async () => {
    const { userId } = participant();
    const impatient = createFitbitLegacyTracker({ baseUrl: h.sim.url, tokens: h.tokens, timeoutMs: 100, retry: false });
    h.sim.failNext({ match: "/profile.json", delayMs: 300 });
    await expect(impatient.getTimeZone(userId)).rejects.toMatchObject({ code: "NETWORK" });
  });

  it("a short 429 is waited out and retried", async () => {
    const { userId } = participant();
    h.sim.failNext({ match: "/profile.json", status: 429, headers: { "retry-after": "0" }, body: envelope("system", "Too Many Requests") });
    await expect(h.tracker.getTimeZone(userId)).resolves.toBe(TZ);
  });
});

describe("rate limit (150 per user per clock hour)", () => {
  it("reports Fitbit-Rate-Limit-* headers and gives RATE_LIMITED with the wait until the top of the hour", async () => {
    const clock = { now: new Date("2026-11-25T11:27:21Z") };
    const seen: FitbitRateLimit[] = [];
    const limited = await startLegacyHarness({ now: () => clock.now, rateLimitPerHour: 3 }, { onRateLimit: (info) => seen.push(info) });
    try {
      limited.connect("R1", TZ);
      for (let i = 0; i < 3; i++) await limited.tracker.getTimeZone("R1");
      expect(seen.at(-1)).toEqual({ accountKey: "R1", limit: 3, remaining: 0, resetSeconds: 1959 });
      const error = await failure(limited.tracker.getTimeZone("R1"));
      expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfterMs: 1_959_000 });
      // Another participant has their own quota; and the next hour starts afresh.
      limited.connect("R2", TZ);
      await expect(limited.tracker.getTimeZone("R2")).resolves.toBe(TZ);
      clock.now = new Date("2026-11-25T12:00:01Z");
      await expect(limited.tracker.getTimeZone("R1")).resolves.toBe(TZ);
    } finally {
      await limited.sim.close();
    }
  });
});

describe("the 2026-11-02 shutdown", () => {
  it("maps 410 to API_GONE, says how to move the participant, and does not retry", async () => {
    const gone = await startLegacyHarness({ gone: true });
    try {
      gone.connect("G1", TZ);
      const error = await failure(gone.tracker.showDay({ ...day("G1"), steps: 1 }));
      expect(error).toMatchObject({ code: "API_GONE", status: 410, api: "fitbit-legacy" });
      expect(error.message).toContain(MOVE_TO_GOOGLE_HEALTH);
      expect(gone.sim.requests).toHaveLength(1);
      // Fitbit's OAuth endpoints are gone too: a refresh fails the same way.
      await expect(gone.tokens.refreshNow("G1")).rejects.toMatchObject({ code: "API_GONE" });
    } finally {
      await gone.sim.close();
    }
  });
});

describe("secrets", () => {
  it("no token reaches String(error), the cause chain, or the simulator's request log", async () => {
    const { userId, accessToken, refreshToken } = participant();
    const errors: unknown[] = [];
    const collect = async (promise: Promise<unknown>) => errors.push(await failure(promise));
    // Fitbit's own messages echo the token (docs/fitbit-web-api.md#error-envelope): invalid_token from the real simulator path.
    h.store.rows.set(userId, { ...h.store.rows.get(userId)!, accessToken: `${accessToken}x` });
    await collect(h.tracker.getTimeZone(userId));
    h.store.rows.set(userId, { ...h.store.rows.get(userId)!, accessToken });
    for (const status of [400, 403, 404, 500]) {
      h.sim.failNext({ match: "/profile.json", status, count: 3, body: envelope("validation", `Access token invalid: ${accessToken}; refresh token: ${refreshToken}`) });
      await collect(h.tracker.getTimeZone(userId));
    }
    h.sim.failNext({ match: "/profile.json", reset: true, count: 3 });
    await collect(h.tracker.getTimeZone(userId));
    expect(errors).toHaveLength(6);
    for (const error of errors) {
      const text = everything(error);
      expect(text).not.toContain(accessToken);
      expect(text).not.toContain(refreshToken);
    }
    expect(String(errors[1])).toContain("[redacted]");
    const log = JSON.stringify(h.sim.requests);
    expect(log).not.toContain(accessToken);
    expect(log).not.toContain(refreshToken);
  });
});
