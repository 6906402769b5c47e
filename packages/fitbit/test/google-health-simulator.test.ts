import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "../src/simulator/index.js";

let sim: GoogleHealthSimulator;
let token: string;
const POINTS = "/v4/users/me/dataTypes/exercise/dataPoints";

beforeAll(async () => {
  sim = await startGoogleHealthSimulator({ users: [{ userId: "strict" }, { userId: "other" }] });
  token = sim.state.issueTokens("strict").accessToken;
});
afterAll(() => sim.close());

function valid(): { name: string; exercise: Record<string, unknown> } {
  return {
    name: "users/me/dataTypes/exercise/dataPoints/pt-20261125-abcdefabcdef",
    exercise: {
      interval: { startTime: "2026-11-25T08:00:00Z", startUtcOffset: "-28800s", endTime: "2026-11-25T08:01:00Z", endUtcOffset: "-28800s" },
      exerciseType: "WALKING",
      displayName: "PowerToken",
      metricsSummary: { steps: "10" },
    },
  };
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${sim.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: { message: string; status: string } } };
}

describe("Google Health simulator is as strict as the real API", () => {
  it("accepts a well-formed exercise", async () => {
    await expect(post(POINTS, valid())).resolves.toMatchObject({ status: 200 });
  });

  it("rejects times that are not RFC 3339", async () => {
    const body = valid();
    (body.exercise.interval as Record<string, string>).startTime = "2026-11-25 08:00:00";
    await expect(post(POINTS, body)).resolves.toMatchObject({ status: 400, body: { error: { status: "INVALID_ARGUMENT" } } });
  });

  it("rejects UTC offsets beyond ±18 hours", async () => {
    const body = valid();
    (body.exercise.interval as Record<string, string>).startUtcOffset = "64801s";
    await expect(post(POINTS, body)).resolves.toMatchObject({ status: 400 });
  });

  it("rejects unknown JSON fields with Google's message", async () => {
    const body = valid();
    (body.exercise.metricsSummary as Record<string, string>).stepCount = "10";
    const res = await post(POINTS, body);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^Invalid JSON payload received\. Unknown name "stepCount" at 'data_point\.exercise\.metrics_summary'/);
  });

  it("rejects an empty displayName", async () => {
    const body = valid();
    body.exercise.displayName = "";
    await expect(post(POINTS, body)).resolves.toMatchObject({ status: 400 });
  });

  it("rejects batchDelete names of another user or another data type", async () => {
    await expect(post(`${POINTS}:batchDelete`, { names: ["users/other/dataTypes/exercise/dataPoints/pt-20261125-abcdefabcdef"] })).resolves.toMatchObject({ status: 400 });
    await expect(post(`${POINTS}:batchDelete`, { names: ["users/me/dataTypes/steps/dataPoints/pt-20261125-abcdefabcdef"] })).resolves.toMatchObject({ status: 400 });
    await expect(post(`${POINTS}:batchDelete`, { names: ["users/strict/dataTypes/exercise/dataPoints/pt-20261125-abcdefabcdef"] })).resolves.toMatchObject({ status: 200 });
  });
});
