import { afterEach, describe, expect, it } from "vitest";
import { createGoogleHealthTracker, isFitbitError } from "../src/index.js";
import {
  RANDOM_FAULT_KINDS,
  startFitbitLegacySimulator,
  startGoogleHealthSimulator,
  startOAuthSimulator,
  type FitbitLegacySimulator,
  type GoogleHealthSimulator,
  type OAuthSimulator,
  type RandomFaultKind,
} from "../src/simulator/index.js";

let sims: Array<GoogleHealthSimulator | FitbitLegacySimulator | OAuthSimulator> = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function google() {
  const sim = await startGoogleHealthSimulator({ users: [{ userId: "alice" }] });
  sims.push(sim);
  const { accessToken } = sim.state.issueTokens("alice");
  const get = async () => {
    try {
      const response = await fetch(`${sim.url}/v4/users/me/identity`, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(300) });
      return { status: response.status, body: await response.text(), retryAfter: response.headers.get("retry-after") };
    } catch {
      return { status: 0, body: "", retryAfter: null };
    }
  };
  return { sim, accessToken, get };
}

describe("the tracker simulators' random faults", () => {
  it("serve every request for real when off, and count nothing", async () => {
    const { sim, get } = await google();
    for (let i = 0; i < 10; i++) expect((await get()).status).toBe(200);
    expect(Object.values(sim.faultCounts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("draw the same faults again from the same seed, at about the asked rate", async () => {
    const { sim, get } = await google();
    const kinds: RandomFaultKind[] = ["5xx", "429", "html", "malformed", "wrong-shape"];
    const run = async () => {
      sim.setRandomFaults({ rate: 0.25, seed: 11, kinds });
      const out: number[] = [];
      for (let i = 0; i < 120; i++) out.push((await get()).status);
      return out;
    };
    const first = await run();
    const faults = Object.values(sim.faultCounts).reduce((a, b) => a + b, 0);
    expect(await run()).toEqual(first);
    expect(faults).toBeGreaterThan(12);
    expect(faults).toBeLessThan(50);
  });

  it.each([
    ["5xx", 503, '"status":"UNAVAILABLE"', null],
    ["429", 429, '"status":"RESOURCE_EXHAUSTED"', null],
    ["429-retry-after", 429, '"status":"RESOURCE_EXHAUSTED"', "1"],
    ["html", 502, "<title>Error 502 (Server Error)!!1</title>", null],
    ["malformed", 200, '{"done": true, "response": {"name": "users/me/dataTypes/exer', null],
    ["wrong-shape", 200, '[{"unexpected":"shape"}]', null],
  ] as const)("answer a %s fault with %i and its body", async (kind, status, fragment, retryAfter) => {
    const { sim, get } = await google();
    sim.setRandomFaults({ rate: 1, kinds: [kind] });
    const answer = await get();
    expect(answer).toMatchObject({ status, retryAfter });
    expect(answer.body).toContain(fragment);
    expect(sim.faultCounts[kind]).toBe(1);
  });

  it("hold a timeout until the client gives up, and drop the connection on a reset", async () => {
    const { sim, get } = await google();
    sim.setRandomFaults({ rate: 1, kinds: ["reset"] });
    expect((await get()).status).toBe(0);
    sim.setRandomFaults({ rate: 1, kinds: ["timeout"] });
    const tracker = createGoogleHealthTracker({ baseUrl: sim.url, tokens: { getAccessToken: async () => sim.state.issueTokens("alice").accessToken } as never, timeoutMs: 200, retry: false });
    const started = performance.now();
    const error = await tracker.getTimeZone("alice").catch((e: unknown) => e);
    expect(isFitbitError(error) && error.code).toBe("NETWORK");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("use Fitbit's error envelope on the legacy simulator and touch only matching paths", async () => {
    const sim = await startFitbitLegacySimulator({ users: [{ userId: "ABC" }], randomFaults: { rate: 1, kinds: ["5xx"], match: "/1/user/" } });
    sims.push(sim);
    const { accessToken } = sim.state.issueTokens("ABC");
    const response = await fetch(`${sim.url}/1/user/-/profile.json`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ success: false, errors: [{ errorType: "system" }] });
    const token = await fetch(`${sim.oauthUrl}/token`, { method: "POST", body: "grant_type=refresh_token&refresh_token=x&client_id=sim-client&client_secret=sim-secret", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(token.status).toBe(400); // not matched: the real invalid_grant
  });

  it("answer invalid_grant for one account whose refresh tokens were revoked, while its access token still works", async () => {
    const { sim, accessToken, get } = await google();
    sim.state.addUser({ userId: "bob" });
    const alice = sim.state.oauth.issueTokens("alice", ["x"]);
    const bob = sim.state.issueTokens("bob");
    sim.state.revokeRefreshTokens("alice");
    const refresh = (token: string) =>
      fetch(`${sim.oauthUrl}/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token, client_id: "sim-client", client_secret: "sim-secret" }) });
    const rejected = await refresh(alice.refreshToken);
    expect(rejected.status).toBe(400);
    expect(await rejected.json()).toMatchObject({ error: "invalid_grant" });
    expect((await refresh(bob.refreshToken)).status).toBe(200);
    expect(accessToken).toBeTruthy();
    expect((await get()).status).toBe(200);
  });

  it("reject a bad rate or kind with a message naming the allowed values", async () => {
    const sim = await startOAuthSimulator({ mode: "fitbit" });
    sims.push(sim);
    expect(() => sim.setRandomFaults({ rate: -1 })).toThrow(/rate must be a number from 0 to 1, got -1/);
    expect(() => sim.setRandomFaults({ rate: 0.5, kinds: ["boom" as never] })).toThrow(/unknown kind "boom"; use 5xx, 429/);
    expect(RANDOM_FAULT_KINDS).toHaveLength(8);
  });
});
