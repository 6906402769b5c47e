import { describe, expect, it } from "vitest";
import { dayNeedsWrite, decideWrite, hasOccurrenceSoon } from "../src/index.js";

const at = (iso: string) => new Date(iso);
const daily = { dateStart: at("2026-03-01T15:00:00Z"), durationMinutes: 60, repeat: "daily", repeatEnd: null };
const weeklySunday = { dateStart: at("2026-03-01T15:00:00Z"), durationMinutes: 30, repeat: "weekly", repeatEnd: null };
const lateNight = { dateStart: at("2026-03-01T23:55:00Z"), durationMinutes: 20, repeat: "daily", repeatEnd: null };

describe("hasOccurrenceSoon", () => {
  it("selects a participant whose occurrence starts within the window", () => {
    expect(hasOccurrenceSoon([daily], { now: at("2026-03-10T14:50:00Z"), windowMinutes: 15 })).toBe(true);
    expect(hasOccurrenceSoon([daily], { now: at("2026-03-10T14:40:00Z"), windowMinutes: 15 })).toBe(false);
  });

  it("selects a participant whose occurrence ends within the window", () => {
    expect(hasOccurrenceSoon([daily], { now: at("2026-03-10T15:50:00Z"), windowMinutes: 15 })).toBe(true);
    expect(hasOccurrenceSoon([daily], { now: at("2026-03-10T15:20:00Z"), windowMinutes: 15 })).toBe(false);
  });

  it("matches a weekly activity only on its weekday", () => {
    expect(hasOccurrenceSoon([weeklySunday], { now: at("2026-03-08T14:50:00Z"), windowMinutes: 15 })).toBe(true);
    expect(hasOccurrenceSoon([weeklySunday], { now: at("2026-03-09T14:50:00Z"), windowMinutes: 15 })).toBe(false);
  });

  it("matches a window that crosses midnight", () => {
    expect(hasOccurrenceSoon([lateNight], { now: at("2026-03-05T00:05:00Z"), windowMinutes: 15 })).toBe(true);
  });

  it("ignores a one-off activity that is over, and a recurrence past its end", () => {
    const once = { ...daily, repeat: "never" };
    expect(hasOccurrenceSoon([once], { now: at("2026-03-02T14:50:00Z"), windowMinutes: 15 })).toBe(false);
    const ended = { ...daily, repeatEnd: at("2026-03-05T00:00:00Z") };
    expect(hasOccurrenceSoon([ended], { now: at("2026-03-06T14:50:00Z"), windowMinutes: 15 })).toBe(false);
  });
});

describe("decideWrite", () => {
  const label = "PowerToken: 1 of 2 check-ins";
  it("writes the first value of a day, 0 included", () => {
    expect(decideWrite(null, { steps: 0, label })).toEqual({ action: "write", reason: "first" });
  });
  it("leaves a confirmed equal value alone", () => {
    expect(decideWrite({ desiredSteps: 5000, desiredLabel: label, confirmedSteps: 5000, confirmedLabel: label, entryId: "e" }, { steps: 5000, label })).toEqual({ action: "unchanged" });
  });
  it("writes a lower value after an un-check-in", () => {
    expect(decideWrite({ desiredSteps: 5000, desiredLabel: label, confirmedSteps: 5000, confirmedLabel: label, entryId: "e" }, { steps: 0, label })).toEqual({ action: "write", reason: "changed" });
  });
  it("rewrites a pending intent even when the value is back to the confirmed one", () => {
    expect(decideWrite({ desiredSteps: 10000, desiredLabel: label, confirmedSteps: 5000, confirmedLabel: label, entryId: "e" }, { steps: 5000, label })).toEqual({ action: "write", reason: "reconcile" });
  });
  it("writes when only the label changed", () => {
    expect(decideWrite({ desiredSteps: 5000, desiredLabel: label, confirmedSteps: 5000, confirmedLabel: label, entryId: "e" }, { steps: 5000, label: "PowerToken: 2 of 4 check-ins" })).toMatchObject({ action: "write" });
  });
});

describe("dayNeedsWrite", () => {
  const confirmed = { desiredSteps: 5000, desiredLabel: "PowerToken: 1 of 2 check-ins", confirmedSteps: 5000, confirmedLabel: "PowerToken: 1 of 2 check-ins" };
  it("is false for a day the tracker confirmed as intended", () => {
    expect(dayNeedsWrite(confirmed)).toBe(false);
  });
  it("is true while an intent is pending, even one equal to the confirmed value", () => {
    expect(dayNeedsWrite({ ...confirmed, pending: true })).toBe(true);
  });
  it("is true when the intended steps differ from the confirmed ones", () => {
    expect(dayNeedsWrite({ ...confirmed, desiredSteps: 6000 })).toBe(true);
  });
  it("is true when only the intended label differs from the confirmed one", () => {
    expect(dayNeedsWrite({ ...confirmed, desiredLabel: "PowerToken: 2 of 2 check-ins" })).toBe(true);
  });
  it("is false for a day nobody set out to write yet", () => {
    expect(dayNeedsWrite({ desiredSteps: null, desiredLabel: null, confirmedSteps: null, confirmedLabel: null })).toBe(false);
  });
});
