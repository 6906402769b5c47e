import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GOOGLE_HEALTH_SCOPES, type RequestInfo } from "../src/index.js";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "../src/simulator/index.js";
import { googleTracker } from "./_google.js";

const day = { date: "2026-11-25", timeZone: "America/Los_Angeles" };
const laterThatDay = () => new Date("2026-11-25T20:00:00Z");
type StoredExercise = { displayName: string; interval: { startTime: string; endTime: string; startUtcOffset: string } };
let sim: GoogleHealthSimulator;

beforeAll(async () => {
  sim = await startGoogleHealthSimulator({ users: [] });
});
afterAll(() => sim.close());
beforeEach(() => Object.assign(sim.state.settings, { notDone: false, assignIds: false, readLagMs: 0, duplicateCreate: "409" }));

const exerciseOf = (userId: string, id: string) => sim.state.points(userId).get(id)!.body.exercise as unknown as StoredExercise;

describe("Google Health writes: reading the Operation fully", () => {
  it("reports a `done: false` answer as unconfirmed, and the next write confirms it", async () => {
    const { tracker } = googleTracker(sim, "nd-user", { now: laterThatDay });
    sim.state.settings.notDone = true;
    const first = await tracker.showDay({ accountKey: "nd-user", ...day, steps: 300, label: "1 of 3" });
    expect(first).toMatchObject({ state: "unconfirmed", shown: null, entryBackend: "google-health" });
    sim.state.settings.notDone = false;
    const second = await tracker.showDay({ accountKey: "nd-user", ...day, steps: 300, label: "1 of 3", knownEntryId: first.entryId, knownEntryBackend: "google-health" });
    expect(second).toMatchObject({ state: "confirmed", shown: 300, entryId: first.entryId, created: false });
    expect(sim.state.points("nd-user").size).toBe(1);
  });

  it("keeps a server-assigned id and PATCHes it from then on, never creating a second point", async () => {
    const seen: string[] = [];
    const { tracker } = googleTracker(sim, "as-user", { now: laterThatDay, onRequest: (i: RequestInfo) => seen.push(`${i.operation} ${i.status}`) });
    sim.state.settings.assignIds = true;
    const first = await tracker.showDay({ accountKey: "as-user", ...day, steps: 10, label: "a" });
    expect(first.entryId).toMatch(/^\d+$/);
    expect(first).toMatchObject({ state: "confirmed", created: true });
    seen.length = 0;
    const second = await tracker.showDay({ accountKey: "as-user", ...day, steps: 20, label: "b", knownEntryId: first.entryId, knownEntryBackend: "google-health" });
    expect(second).toMatchObject({ entryId: first.entryId, state: "confirmed", shown: 20 });
    expect(seen).toEqual(["patch-point 200"]);
    expect(sim.state.points("as-user").size).toBe(1);
  });

  it("treats a create retried after a timeout that then gets 409 as a success, not CONFLICT", async () => {
    const seen: string[] = [];
    const waitLongerThanTheDelay = () => new Promise<void>((resolve) => setTimeout(resolve, 600));
    const { tracker } = googleTracker(sim, "to-user", { now: laterThatDay, timeoutMs: 100, sleep: waitLongerThanTheDelay, onRequest: (i) => seen.push(`${i.operation} ${i.status}`) });
    // The first POST is answered late (after our timeout), but the server does create the point.
    sim.failNext({ delayMs: 180, match: "/dataPoints", count: 1 });
    const result = await tracker.showDay({ accountKey: "to-user", ...day, steps: 42, label: "x" });
    expect(seen).toEqual(["create-point 0", "create-point 409", "patch-point 200"]);
    expect(result).toMatchObject({ state: "confirmed", shown: 42, created: false });
    expect(sim.state.points("to-user").size).toBe(1);
  });

  it("answers a PATCH 404 followed by a create 409 (read-after-write lag) with unconfirmed", async () => {
    const { tracker } = googleTracker(sim, "race-user", { now: laterThatDay });
    const first = await tracker.showDay({ accountKey: "race-user", ...day, steps: 1, label: "x" });
    sim.failNext({ status: 404, match: "/dataPoints/", body: { error: { code: 404, message: "not found", status: "NOT_FOUND" } } });
    const second = await tracker.showDay({ accountKey: "race-user", ...day, steps: 2, label: "y", knownEntryId: first.entryId });
    expect(second).toMatchObject({ state: "unconfirmed", shown: null, entryId: first.entryId });
  });

  it("reads a fresh point only once the read-after-write lag has passed", async () => {
    let clockMs = Date.parse("2026-11-25T20:00:00Z");
    const lagged = await startGoogleHealthSimulator({ users: [], readLagMs: 5000, now: () => new Date(clockMs) });
    try {
      const { tracker } = googleTracker(lagged, "lag-user", { now: laterThatDay });
      const shown = await tracker.showDay({ accountKey: "lag-user", ...day, steps: 77, label: "x" });
      const known = { knownEntryId: shown.entryId, knownEntryBackend: "google-health" as const };
      await expect(tracker.readDay({ accountKey: "lag-user", ...day, ...known })).resolves.toBeNull();
      clockMs += 5000;
      await expect(tracker.readDay({ accountKey: "lag-user", ...day, ...known })).resolves.toMatchObject({ steps: 77 });
    } finally {
      await lagged.close();
    }
  });
});

describe("Google Health writes: only our own points", () => {
  it("never sends a known entry id recorded for the legacy backend, nor a foreign id without a backend", async () => {
    const { tracker } = googleTracker(sim, "own-user", { now: laterThatDay });
    const foreign = sim.state.addOwnExercise("own-user", { date: day.date, steps: 999 });
    const before = sim.requests.length;
    await tracker.showDay({ accountKey: "own-user", ...day, steps: 5, label: "x", knownEntryId: "12345678901234567890", knownEntryBackend: "fitbit-legacy" });
    await tracker.clearDay({ accountKey: "own-user", ...day, knownEntryId: foreign });
    await tracker.readDay({ accountKey: "own-user", ...day, knownEntryId: foreign });
    const paths = JSON.stringify(sim.requests.slice(before));
    expect(paths).not.toContain("12345678901234567890");
    expect(paths).not.toContain(foreign);
    expect(sim.state.viewDay("own-user", day.date).own).toHaveLength(1);
  });
});

describe("Google Health writes: where and what", () => {
  it("places the exercise in the day's first minute and never ends it after now", async () => {
    const justAfterMidnight = () => new Date("2026-11-25T08:00:20.500Z"); // 00:00:20 in Los Angeles
    const { tracker } = googleTracker(sim, "early-user", { now: justAfterMidnight });
    const shown = await tracker.showDay({ accountKey: "early-user", ...day, steps: 10, label: "x" });
    const exercise = exerciseOf("early-user", shown.entryId);
    expect(exercise.interval.startTime).toBe("2026-11-25T08:00:00.000Z");
    expect(Date.parse(exercise.interval.endTime)).toBeLessThanOrEqual(justAfterMidnight().getTime());
    expect(exercise.interval.endTime).toBe("2026-11-25T08:00:20.000Z");
  });

  it("starts a day whose midnight falls in a DST gap at the jump (Santiago, 2026-09-06), under the same id", async () => {
    const { tracker } = googleTracker(sim, "dst-user", { timeZone: "America/Santiago", now: () => new Date("2026-09-06T15:00:00Z") });
    const input = { accountKey: "dst-user", date: "2026-09-06", timeZone: "America/Santiago", label: "x" };
    const shown = await tracker.showDay({ ...input, steps: 10 });
    const exercise = exerciseOf("dst-user", shown.entryId);
    expect(exercise.interval).toMatchObject({ startTime: "2026-09-06T04:00:00.000Z", startUtcOffset: "-10800s" });
    expect(sim.state.viewDay("dst-user", "2026-09-06").powertoken?.steps).toBe(10);
    const again = await tracker.showDay({ ...input, steps: 11, knownEntryId: shown.entryId });
    expect(again.entryId).toBe(shown.entryId);
  });

  it("sends a non-empty displayName and recordingMethod DERIVED", async () => {
    const { tracker } = googleTracker(sim, "label-user", { now: laterThatDay });
    const shown = await tracker.showDay({ accountKey: "label-user", ...day, steps: 3, label: "   " });
    expect(shown.label).toBe("PowerToken");
    expect(exerciseOf("label-user", shown.entryId).displayName).toBe("PowerToken");
    expect(sim.state.points("label-user").get(shown.entryId)!.body.dataSource).toMatchObject({ recordingMethod: "DERIVED" });
  });
});

describe("Google Health writes: no empty entries", () => {
  it("shows 0 steps as no exercise at all, confirmed, and deletes the day's entry when progress falls back to 0", async () => {
    const seen: string[] = [];
    const { tracker } = googleTracker(sim, "zero-user", { now: laterThatDay, onRequest: (i) => seen.push(i.operation) });
    const none = await tracker.showDay({ accountKey: "zero-user", ...day, steps: 0, label: "0 of 3" });
    expect(none).toMatchObject({ state: "confirmed", shown: null, created: false });
    expect(seen).toEqual(["batch-delete"]);
    expect(sim.state.points("zero-user").size).toBe(0);
    const some = await tracker.showDay({ accountKey: "zero-user", ...day, steps: 500, label: "1 of 3" });
    expect(sim.state.points("zero-user").size).toBe(1);
    const back = await tracker.showDay({ accountKey: "zero-user", ...day, steps: 0, label: "0 of 3", knownEntryId: some.entryId, knownEntryBackend: "google-health" });
    expect(back).toMatchObject({ state: "confirmed", shown: null, removedEntryIds: [some.entryId] });
    expect(sim.state.viewDay("zero-user", day.date).powertoken).toBeNull();
  });
});

describe("Google Health with partial consent", () => {
  it("writes without settings.readonly, and getTimeZone then says which permission is missing", async () => {
    const { tracker } = googleTracker(sim, "partial-user", { now: laterThatDay, scopes: [GOOGLE_HEALTH_SCOPES.activityRead, GOOGLE_HEALTH_SCOPES.activityWrite] });
    await expect(tracker.showDay({ accountKey: "partial-user", ...day, steps: 5, label: "x" })).resolves.toMatchObject({ state: "confirmed", shown: 5 });
    await expect(tracker.getTimeZone("partial-user")).rejects.toMatchObject({ code: "INSUFFICIENT_SCOPE", message: expect.stringContaining("needs consent") as string });
  });
});
