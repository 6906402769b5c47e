import { afterEach, describe, expect, it } from "vitest";
import { createWeconnectClient, isWeconnectError } from "../src/index.js";
import { startWeconnectSimulator, WECONNECT_FAULT_KINDS, type WeconnectFaultKind, type WeconnectSimulator } from "../src/simulator/index.js";

let sim: WeconnectSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function startWithPerson() {
  sim = await startWeconnectSimulator();
  const person = sim.state.addPerson({ email: "a@example.org", password: "pw" });
  sim.state.addActivity(person.id, { name: "Walk", dateStart: new Date("2026-11-25T15:00:00Z"), repeat: "daily" });
  const token = sim.state.issueToken(person.id);
  const url = `${sim.url}/People/${person.id}/activities?access_token=${token}`;
  return { sim, person, token, url };
}

/** Status of each of `n` requests, 0 when the connection was dropped. */
async function statuses(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(300) });
      await response.text();
      out.push(response.status);
    } catch {
      out.push(0);
    }
  }
  return out;
}

describe("the WEconnect simulator's random faults", () => {
  it("answers every request for real when no rate is set, and counts nothing", async () => {
    const { url } = await startWithPerson();
    expect(await statuses(url, 20)).toEqual(Array(20).fill(200));
    expect(Object.values(sim!.faultCounts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("draws the same faults again from the same seed", async () => {
    const { url } = await startWithPerson();
    const kinds: WeconnectFaultKind[] = ["5xx", "429", "html", "malformed", "wrong-shape"];
    sim!.setRandomFaults({ rate: 0.5, seed: 7, kinds });
    const first = await statuses(url, 40);
    sim!.setRandomFaults({ rate: 0.5, seed: 7, kinds });
    expect(await statuses(url, 40)).toEqual(first);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(5);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(5);
  });

  it("injects about the asked share of faults", async () => {
    const { url } = await startWithPerson();
    sim!.setRandomFaults({ rate: 0.1, seed: 3, kinds: ["5xx"] });
    const failed = (await statuses(url, 400)).filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(65);
    expect(sim!.faultCounts["5xx"]).toBe(failed);
  });

  it.each([
    ["5xx", 503, "Service Unavailable"],
    ["429", 429, "Too Many Requests"],
    ["html", 503, "<title>Application Error</title>"],
    ["malformed", 200, '[{"activityId": 4211, "name": "Morn'],
    ["wrong-shape", 200, '{"unexpected":"shape"}'],
  ] as const)("answers a %s fault with status %i and its body", async (kind, status, fragment) => {
    const { url } = await startWithPerson();
    sim!.setRandomFaults({ rate: 1, kinds: [kind] });
    const response = await fetch(url);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(fragment);
    expect(response.headers.get("retry-after")).toBeNull();
  });

  it("sends Retry-After with a 429-retry-after fault", async () => {
    const { url } = await startWithPerson();
    sim!.setRandomFaults({ rate: 1, kinds: ["429-retry-after"], retryAfterSeconds: 3 });
    const response = await fetch(url);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
  });

  it("drops the connection on a reset, and holds a timeout until the client gives up", async () => {
    const { url, person, token } = await startWithPerson();
    sim!.setRandomFaults({ rate: 1, kinds: ["reset"] });
    await expect(fetch(url)).rejects.toThrow();
    sim!.setRandomFaults({ rate: 1, kinds: ["timeout"] });
    const client = createWeconnectClient({ baseUrl: sim!.url, timeoutMs: 200, retry: { attempts: 1 } });
    const started = performance.now();
    const error = await client.listActivities({ personId: person.id, token }).catch((e: unknown) => e);
    expect(isWeconnectError(error) && error.code).toBe("NETWORK");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(sim!.requests.at(-1)?.status).toBe(0);
  });

  it("answers a 401 burst on the next calls though the token is valid, then serves them again", async () => {
    const { url } = await startWithPerson();
    sim!.setRandomFaults({ rate: 1, kinds: ["401-burst"], burstLength: 4 });
    const first = await fetch(url);
    expect(first.status).toBe(401);
    expect(await first.text()).toContain("AUTHORIZATION_REQUIRED");
    sim!.setRandomFaults({ rate: 1, kinds: ["401-burst"], burstLength: 4 });
    expect(await statuses(url, 4)).toEqual([401, 401, 401, 401]);
    sim!.setRandomFaults(null);
    expect(await statuses(url, 2)).toEqual([200, 200]);
    expect(sim!.faultCounts["401-burst"]).toBe(2);
  });

  it("rejects a bad rate or kind with a message naming the allowed values", async () => {
    await startWithPerson();
    expect(() => sim!.setRandomFaults({ rate: 2 })).toThrow(/rate must be a number from 0 to 1, got 2/);
    expect(() => sim!.setRandomFaults({ rate: 0.1, kinds: ["nope" as never] })).toThrow(/unknown kind "nope"; use 5xx, 429/);
    expect(WECONNECT_FAULT_KINDS).toHaveLength(9);
  });
});
