import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWeconnectClient,
  localDayWindow,
  localWeekWindow,
  type Session,
  type WeconnectRequestInfo,
} from "../src/index.js";
import type { WeconnectSimulator } from "../src/simulator/index.js";
import { createClock, PAT, startSeeded } from "./helpers.js";

const clock = createClock("2019-04-18T17:00:00.000Z"); // noon in Chicago
let sim: WeconnectSimulator;
let session: Session;
const seen: WeconnectRequestInfo[] = [];

beforeAll(async () => {
  sim = await startSeeded(clock.now);
  const client = createWeconnectClient({ baseUrl: sim.url });
  session = await client.login(PAT.email, PAT.password);
});
afterAll(() => sim.close());

const client = () => createWeconnectClient({ baseUrl: sim.url, onRequest: (info) => seen.push(info) });

describe("createWeconnectClient", () => {
  it("logs in with a form body and returns person id, token and a 90-day expiry", async () => {
    const result = await client().login(PAT.email, PAT.password);
    expect(result.personId).toBe(1042);
    expect(result.token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(result.expiresAt?.toISOString()).toBe("2019-07-17T17:00:00.000Z");
    expect(sim.requests.at(-1)).toEqual({ method: "POST", path: "/api/People/login", status: 200 });
  });

  it("mints a new, independent token on every login", async () => {
    const a = await client().login(PAT.email, PAT.password);
    const b = await client().login(PAT.email, PAT.password);
    expect(a.token).not.toBe(b.token);
    await expect(client().getPerson(a)).resolves.toMatchObject({ id: 1042 });
  });

  it("checks the token by reading the person, without the password", async () => {
    const person = await client().getPerson(session);
    expect(person).toMatchObject({ id: 1042, email: PAT.email, firstName: "Pat" });
    expect(person).not.toHaveProperty("password");
  });

  it("lists every activity in activityId order with Dates and durationMinutes", async () => {
    const activities = await client().listActivities(session);
    expect(activities.map((a) => a.activityId)).toEqual([4211, 4212, 4213]);
    expect(activities[0]).toMatchObject({
      name: "Morning meeting",
      durationMinutes: 60,
      repeat: "daily",
      repeatEnd: null,
      dateStart: new Date("2019-04-01T14:00:00.000Z"),
    });
    expect(activities[0]?.dateModified).toBeInstanceOf(Date);
  });

  it("lists a local day's activities with events and omits those without any", async () => {
    const day = localDayWindow("America/Chicago", "2019-04-17");
    const items = await client().listActivitiesWithEvents(session, day);
    // Wednesday 19:30 CDT is Thursday 00:30Z: the weekly call belongs to the Chicago Wednesday.
    expect(items.map((a) => a.activityId)).toEqual([4211, 4212]);
    expect(items[0]?.events).toEqual([
      {
        eid: "4211-20190417",
        dateStart: new Date("2019-04-17T14:00:00.000Z"),
        durationMinutes: 60,
        activityId: 4211,
        didCheckin: true,
      },
    ]);
  });

  it("sends windows as explicit UTC instants with milliseconds", async () => {
    const urls: string[] = [];
    const tracing = createWeconnectClient({
      baseUrl: sim.url,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    await tracing.getProgress(session, localDayWindow("America/Chicago", "2019-04-18"));
    const url = new URL(urls[0] ?? "");
    expect(url.pathname).toBe("/api/People/1042/activities/progress");
    expect(url.searchParams.get("from")).toBe("2019-04-18T05:00:00.000Z");
    expect(url.searchParams.get("to")).toBe("2019-04-19T04:59:59.999Z");
  });

  it("reports progress for a day and a week, and follows check-ins made in the state", async () => {
    const c = client();
    const day = localDayWindow("America/Chicago", "2019-04-18");
    await expect(c.getProgress(session, day)).resolves.toEqual({ completed: 0, total: 1 });
    sim.state.checkIn(PAT.id, 4211); // now() is 17:00Z, nearest occurrence 14:00Z today
    await expect(c.getProgress(session, day)).resolves.toEqual({ completed: 1, total: 1 });
    const week = localWeekWindow("America/Chicago", "2019-04-18"); // Sun 14 – Sat 20
    await expect(c.getProgress(session, week)).resolves.toEqual({ completed: 2, total: 8 });
    sim.state.uncheck(PAT.id, 4211, "2019-04-18");
    await expect(c.getProgress(session, day)).resolves.toEqual({ completed: 0, total: 1 });
  });

  it("reports zero total when nothing is scheduled", async () => {
    const before = localDayWindow("UTC", "2019-03-01");
    await expect(client().getProgress(session, before)).resolves.toEqual({ completed: 0, total: 0 });
    await expect(client().listActivitiesWithEvents(session, before)).resolves.toEqual([]);
  });

  it("sees edits: a new dateModified and a deleted activity disappears", async () => {
    const c = client();
    const added = sim.state.addActivity(PAT.id, {
      name: "Temp",
      dateStart: new Date("2019-04-18T20:00:00Z"),
      duration: 15,
    });
    clock.set("2019-04-18T18:00:00.000Z");
    sim.state.editActivity(added.activityId, { name: "Renamed" });
    const edited = (await c.listActivities(session)).find((a) => a.activityId === added.activityId);
    expect(edited).toMatchObject({ name: "Renamed", dateModified: new Date("2019-04-18T18:00:00.000Z") });
    sim.state.deleteActivity(added.activityId);
    expect((await c.listActivities(session)).map((a) => a.activityId)).not.toContain(added.activityId);
    clock.set("2019-04-18T17:00:00.000Z");
  });

  it("calls onRequest once per attempt with the endpoint template and status", async () => {
    seen.length = 0;
    await client().listActivities(session);
    expect(seen).toEqual([
      expect.objectContaining({ api: "weconnect", endpoint: "GET /People/:id/activities", status: 200, attempt: 1 }),
    ]);
    expect(seen[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("tells onRequest each attempt's HTTP method and operation as typed fields", async () => {
    seen.length = 0;
    const c = client();
    const day = localDayWindow("America/Chicago", "2019-04-18");
    await c.login(PAT.email, PAT.password);
    await c.getPerson(session);
    await c.listActivities(session);
    await c.getProgress(session, day);
    await c.listActivitiesWithEvents(session, day);
    expect(seen.map(({ method, operation }) => `${method} ${operation}`)).toEqual([
      "POST login",
      "GET person",
      "GET activities",
      "GET progress",
      "GET activities-with-events",
    ]);
  });

  it("reports every retried attempt to onRequest with its number", async () => {
    seen.length = 0;
    sim.failNext({ status: 503, count: 1 });
    const c = createWeconnectClient({
      baseUrl: sim.url,
      onRequest: (info) => seen.push(info),
      sleep: async () => {},
    });
    await c.getPerson(session);
    expect(seen.map(({ status, attempt, operation }) => ({ status, attempt, operation }))).toEqual([
      { status: 503, attempt: 1, operation: "person" },
      { status: 200, attempt: 2, operation: "person" },
    ]);
  });

  it("accepts a token issued by the state, as demos that skip login do", async () => {
    const token = sim.state.issueToken(1043);
    await expect(client().listActivities({ personId: 1043, token })).resolves.toEqual([]);
  });
});
