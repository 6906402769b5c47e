import { describe, expect, it } from "vitest";
import { computeSteps, defaultStepsFor, formatLabel, goalStepsFor, type ScoredEvent } from "../src/index.js";

const event = (id: string, weight: number, checkedIn: boolean): ScoredEvent => ({
  eventId: id,
  activityId: Number(id.split("-")[0]),
  weight,
  checkedIn,
});
// 3 of 5 checked in; weights 5, 3, 1 checked in (9 points) of 5+3+1+2+4 = 15.
const day = [event("1-a", 5, true), event("2-a", 3, true), event("3-a", 1, true), event("4-a", 2, false), event("5-a", 4, false)];

describe("computeSteps", () => {
  it("seed maps 3 of 5 to 600,000 steps of a 1,000,000 goal", () => {
    expect(computeSteps({ mapping: "seed", events: day }).steps).toBe(600_000);
  });

  it("plan maps 3 of 5 to 6,000 steps of 10,000", () => {
    expect(computeSteps({ mapping: "plan", events: day })).toEqual({
      steps: 6_000,
      checkedIn: 3,
      planned: 5,
      points: 9,
      plannedPoints: 15,
    });
  });

  it("weight maps 9 of 15 points to 6,000 steps and floors fractions", () => {
    expect(computeSteps({ mapping: "weight", events: day }).steps).toBe(6_000);
    const third = [event("1-a", 1, true), event("2-a", 1, false), event("3-a", 1, false)];
    expect(computeSteps({ mapping: "weight", events: third }).steps).toBe(3_333);
  });

  it("tally gives 25,000 steps per check-in", () => {
    expect(computeSteps({ mapping: "tally", events: day }).steps).toBe(75_000);
  });

  it("charge adds yesterday's own points to today's, 10,000 steps a point", () => {
    expect(computeSteps({ mapping: "charge", events: day, carriedPoints: 4 }).steps).toBe(130_000);
    expect(computeSteps({ mapping: "charge", events: [], carriedPoints: 4 }).steps).toBe(40_000);
  });

  it("returns 0, not a division by zero, when nothing is planned", () => {
    for (const mapping of ["seed", "plan", "weight", "tally", "charge"] as const) {
      expect(computeSteps({ mapping, events: [] }).steps).toBe(0);
    }
  });

  it("lowers the value when a check-in is undone", () => {
    const undone = day.map((e) => (e.eventId === "1-a" ? { ...e, checkedIn: false } : e));
    expect(computeSteps({ mapping: "weight", events: undone }).steps).toBeLessThan(6_000);
    expect(computeSteps({ mapping: "tally", events: undone }).steps).toBe(50_000);
  });

  it("counts an occurrence listed twice once", () => {
    const twice = [event("1-a", 1, false), event("1-a", 1, true), event("2-a", 1, false)];
    expect(computeSteps({ mapping: "plan", events: twice })).toMatchObject({ steps: 5_000, planned: 2, checkedIn: 1 });
  });

  it("clamps weights to 1..5 and caps every result at maxSteps", () => {
    expect(computeSteps({ mapping: "weight", events: [event("1-a", 99, true), event("2-a", -3, false)] }).points).toBe(5);
    const many = Array.from({ length: 60 }, (_, i) => event(`${i}-a`, 1, true));
    expect(computeSteps({ mapping: "tally", events: many }).steps).toBe(1_000_000);
    expect(computeSteps({ mapping: "charge", events: many, carriedPoints: 1e9, settings: { maxSteps: 200_000 } }).steps).toBe(200_000);
  });

  it("always returns a non-negative integer", () => {
    const odd = [event("1-a", 1, true), event("2-a", 1, false), event("3-a", 1, false), event("4-a", 1, false), event("5-a", 1, false), event("6-a", 1, false), event("7-a", 1, false)];
    for (const mapping of ["seed", "plan", "weight", "tally", "charge"] as const) {
      const { steps } = computeSteps({ mapping, events: odd, carriedPoints: Number.NaN });
      expect(Number.isInteger(steps) && steps >= 0).toBe(true);
    }
  });
});

describe("goalStepsFor", () => {
  it("expects the legacy goal that makes 100 % light the goal", () => {
    expect([goalStepsFor("seed"), goalStepsFor("plan"), goalStepsFor("weight"), goalStepsFor("tally"), goalStepsFor("charge")]).toEqual([
      1_000_000, 10_000, 10_000, 100_000, 100_000,
    ]);
  });
});

describe("formatLabel", () => {
  it("says how many of today's check-ins are done", () => {
    expect(formatLabel({ checkedIn: 3, planned: 5 })).toBe("PowerToken: 3 of 5 check-ins");
    expect(formatLabel({ checkedIn: 0, planned: 1 })).toBe("PowerToken: 0 of 1 check-in");
    expect(formatLabel({ checkedIn: 0, planned: 0 })).toBe("PowerToken: nothing planned today");
  });
});

describe("defaultStepsFor", () => {
  it("gives the per-participant numbers of each mapping's documented defaults", () => {
    expect(defaultStepsFor("plan")).toEqual({ goalSteps: 10_000, stepsPerUnit: 25_000 });
    expect(defaultStepsFor("seed").goalSteps).toBe(1_000_000);
    expect(defaultStepsFor("charge")).toEqual({ goalSteps: 100_000, stepsPerUnit: 10_000 });
  });
});
