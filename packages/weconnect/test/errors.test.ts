import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createWeconnectClient,
  isWeconnectError,
  localDayWindow,
  WeconnectError,
  type Session,
  type WeconnectClientOptions,
} from "../src/index.js";
import type { WeconnectSimulator } from "../src/simulator/index.js";
import { createClock, PAT, startSeeded } from "./helpers.js";

const clock = createClock("2019-04-18T17:00:00.000Z");
const day = localDayWindow("America/Chicago", "2019-04-18");
let sim: WeconnectSimulator;
let session: Session;
let sleeps: number[];

beforeAll(async () => {
  sim = await startSeeded(clock.now);
  session = await createWeconnectClient({ baseUrl: sim.url }).login(PAT.email, PAT.password);
});
afterAll(() => sim.close());
beforeEach(() => {
  sleeps = [];
  sim.requests.length = 0;
});

/** A client whose backoff waits are recorded, not slept, with jitter fixed at 0.5. */
function client(options: Partial<WeconnectClientOptions> = {}) {
  return createWeconnectClient({
    baseUrl: sim.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
}

async function caught(promise: Promise<unknown>): Promise<WeconnectError> {
  try {
    await promise;
  } catch (error) {
    expect(isWeconnectError(error)).toBe(true);
    return error as WeconnectError;
  }
  throw new Error("expected a rejection");
}

/** Everything an error could leak through: message, stack, JSON, String(), the cause chain. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 6 && current; i++) {
    const e = current as Error;
    parts.push(String(e), e.message, e.stack ?? "", JSON.stringify(e), JSON.stringify(Object.entries(e)));
    current = e.cause;
  }
  return parts.join("\n");
}

describe("error codes", () => {
  it("UNAUTHORIZED with LOGIN_FAILED for a wrong password, and never retries login", async () => {
    const e = await caught(client().login(PAT.email, "wrong"));
    expect(e).toMatchObject({ code: "UNAUTHORIZED", status: 401, upstreamCode: "LOGIN_FAILED", endpoint: "POST /People/login" });
    sim.failNext({ status: 503, body: "html" });
    await expect(client().login(PAT.email, PAT.password)).rejects.toMatchObject({ code: "SERVER", status: 503 });
    expect(sim.requests.map((r) => r.status)).toEqual([401, 503]);
    expect(sleeps).toEqual([]);
  });

  it("BAD_REQUEST with USERNAME_EMAIL_REQUIRED when the email is missing", async () => {
    await expect(client().login("", "x")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      status: 400,
      upstreamCode: "USERNAME_EMAIL_REQUIRED",
    });
  });

  it("UNAUTHORIZED for an expired token, and for someone else's person id", async () => {
    const token = sim.state.issueToken(PAT.id);
    sim.state.expireToken(token);
    await expect(client().listActivities({ personId: PAT.id, token })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      status: 401,
      upstreamCode: "AUTHORIZATION_REQUIRED",
      endpoint: "GET /People/:id/activities",
    });
    await expect(client().getPerson({ personId: 1043, token: session.token })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("expires tokens after the TTL as the clock moves on", async () => {
    const fresh = await client().login(PAT.email, PAT.password);
    clock.advanceDays(91);
    await expect(client().getPerson(fresh)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    clock.set("2019-04-18T17:00:00.000Z");
    await expect(client().getPerson(fresh)).resolves.toMatchObject({ id: PAT.id });
  });

  it("NOT_FOUND when the base URL misses /api", async () => {
    const e = await caught(client({ baseUrl: sim.url.replace(/\/api$/, "") }).getPerson(session));
    expect(e).toMatchObject({ code: "NOT_FOUND", status: 404, upstreamCode: "NOT_FOUND" });
    expect(e.message).toMatch(/baseUrl ends with \/api/);
  });

  it("RATE_LIMITED with retryAfterMs once retries are spent, honouring Retry-After between them", async () => {
    sim.failNext({ status: 429, count: 3, retryAfter: 2 });
    const e = await caught(client().listActivities(session));
    expect(e).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfterMs: 2000 });
    expect(sleeps).toEqual([2000, 2000]);
    expect(sim.requests).toHaveLength(3);
  });

  it("retries a 429 whose Retry-After is an HTTP date, then succeeds", async () => {
    sim.failNext({ status: 429, retryAfter: new Date(Date.now() + 3000).toUTCString() });
    await expect(client().listActivities(session)).resolves.toHaveLength(3);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1000);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it("gives up at once when Retry-After exceeds maxDelayMs, handing the wait to the caller", async () => {
    sim.failNext({ status: 429, retryAfter: 120 });
    await expect(client().listActivities(session)).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 120_000 });
    expect(sleeps).toEqual([]);
  });

  it("retries a Heroku 503 HTML page with jittered exponential backoff, then succeeds", async () => {
    sim.failNext({ status: 503, body: "html", count: 2 });
    const attempts: number[] = [];
    const c = client({ retry: { baseDelayMs: 100 }, onRequest: (i) => attempts.push(i.status) });
    await expect(c.getProgress(session, day)).resolves.toEqual({ completed: 0, total: 1 });
    expect(attempts).toEqual([503, 503, 200]);
    expect(sleeps).toEqual([50, 100]); // random()=0.5 × 100·2^(n-1)
  });

  it("SERVER after the attempts are spent, whatever the body", async () => {
    sim.failNext({ status: 500, count: 2 });
    const e = await caught(client({ retry: { attempts: 2 } }).listActivitiesWithEvents(session, day));
    expect(e).toMatchObject({ code: "SERVER", status: 500, upstreamCode: "SIMULATED" });
    expect(e.message).toMatch(/after 2 attempts/);
  });

  it("INVALID_RESPONSE for malformed JSON on a 200, not retried", async () => {
    sim.failNext({ body: "malformed" });
    const e = await caught(client().listActivities(session));
    expect(e).toMatchObject({ code: "INVALID_RESPONSE", status: 200 });
    expect(sim.requests).toHaveLength(1);
  });

  it("INVALID_RESPONSE naming the first failing path when a body breaks its schema", async () => {
    const c = client({
      fetch: async () => Response.json([{ activityId: 1, userId: 2, name: "x", dateStart: 5 }]),
    });
    const e = await caught(c.listActivities(session));
    expect(e.code).toBe("INVALID_RESPONSE");
    expect(e.message).toContain("[0].dateStart");
  });

  it("BAD_REQUEST for an invalid window, and for the server's 400 invalid date", async () => {
    const invalid = { from: new Date(0), to: new Date(Number.NaN) };
    await expect(client().getProgress(session, invalid)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(sim.requests).toHaveLength(0); // refused before any request
    const raw = await fetch(`${sim.url}/People/${PAT.id}/activities/progress?access_token=${session.token}&from=x&to=y`);
    expect(raw.status).toBe(400);
    const c = client({ fetch: (input, init) => fetch(String(input).replace(/from=[^&]+/, "from=nope"), init) });
    await expect(c.getProgress(session, day)).rejects.toMatchObject({ code: "BAD_REQUEST", status: 400 });
  });

  it("NETWORK on a connection reset, retried for GETs", async () => {
    sim.failNext({ reset: true, count: 3 });
    const e = await caught(client().listActivities(session));
    expect(e).toMatchObject({ code: "NETWORK", timedOut: false, status: undefined });
    expect(sim.requests.map((r) => r.status)).toEqual([0, 0, 0]);
    sim.failNext({ reset: true });
    await expect(client().listActivities(session)).resolves.toHaveLength(3);
  });

  it("NETWORK with timedOut when the server is slower than timeoutMs", async () => {
    sim.failNext({ delayMs: 400 });
    const e = await caught(client({ timeoutMs: 100, retry: { attempts: 1 } }).getPerson(session));
    expect(e).toMatchObject({ code: "NETWORK", timedOut: true });
    expect(e.message).toMatch(/within 100 ms/);
  });

  it("NETWORK with timedOut when a reply stalls mid-body, the timeout covering the body too", async () => {
    const stalling = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('[{"activityId": 1'); // and never ends
    });
    await new Promise<void>((resolve) => stalling.listen(0, "127.0.0.1", resolve));
    const { port } = stalling.address() as { port: number };
    try {
      const started = performance.now();
      const e = await caught(client({ baseUrl: `http://127.0.0.1:${port}/api`, timeoutMs: 150 }).getPerson(session));
      expect(e).toMatchObject({ code: "NETWORK", timedOut: true });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(everything(e)).not.toContain(session.token);
    } finally {
      stalling.closeAllConnections();
      stalling.close();
    }
  });

  it("NETWORK when nothing listens on the port", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const e = await caught(client({ baseUrl: `http://127.0.0.1:${port}/api` }).getPerson(session));
    expect(e).toMatchObject({ code: "NETWORK" });
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(sleeps).toHaveLength(2);
  });

  it("is recognised by name and code, even across copies of the class", () => {
    const foreign = Object.assign(new Error("x"), { name: "WeconnectError", code: "SERVER" });
    expect(isWeconnectError(foreign)).toBe(true);
    expect(isWeconnectError(Object.assign(new Error("x"), { name: "WeconnectError", code: "OTHER" }))).toBe(false);
    expect(isWeconnectError(new WeconnectError("NETWORK", "m"))).toBe(true);
  });
});

describe("the access token", () => {
  it("never appears in any error, its cause chain, or the request log", async () => {
    const errors: unknown[] = [];
    const collect = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));
    const c = client({ retry: { attempts: 2 } });
    sim.failNext({ reset: true, count: 2 });
    await collect(c.listActivities(session));
    sim.failNext({ delayMs: 300 });
    await collect(client({ timeoutMs: 50, retry: { attempts: 1 } }).listActivities(session));
    sim.failNext({ status: 503, body: "html", count: 2 });
    await collect(c.getProgress(session, day));
    await collect(c.getPerson({ personId: 1043, token: session.token }));
    sim.failNext({ body: "malformed" });
    await collect(c.listActivitiesWithEvents(session, day));
    // A transport that puts the URL in its error, as some fetch wrappers do.
    const leaky = client({
      fetch: (input) => Promise.reject(new TypeError(`request to ${String(input)} failed`, { cause: new Error(String(input)) })),
    });
    await collect(leaky.listActivities(session));
    expect(errors).toHaveLength(6);
    for (const error of errors) {
      const text = everything(error);
      expect(text).not.toContain(session.token);
      expect(text).not.toContain("access_token=");
    }
    expect(everything(errors[5])).toContain("[url]");
    expect(JSON.stringify(sim.requests)).not.toContain(session.token);
    expect(sim.requests.every((r) => !r.path.includes("?"))).toBe(true);
  });
});
