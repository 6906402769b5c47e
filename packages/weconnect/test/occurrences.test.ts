import { describe, expect, it } from "vitest";
import { expandOccurrences, localDayWindow, localWeekWindow } from "../src/index.js";

const starts = (xs: { start: Date }[]) => xs.map((x) => x.start.toISOString());
const daily = (dateStart: string, extra: { repeatEnd?: string; durationMinutes?: number } = {}) => ({
  activityId: 7,
  dateStart: new Date(dateStart),
  durationMinutes: extra.durationMinutes ?? 60,
  repeat: "daily",
  repeatEnd: extra.repeatEnd ? new Date(extra.repeatEnd) : null,
});

describe("expandOccurrences", () => {
  it("gives a one-off activity only inside a window containing its start", () => {
    const once = { dateStart: new Date("2019-04-18T14:00:00Z"), durationMinutes: 30, repeat: "never", repeatEnd: null };
    expect(starts(expandOccurrences(once, localDayWindow("UTC", "2019-04-18")))).toEqual(["2019-04-18T14:00:00.000Z"]);
    expect(expandOccurrences(once, localDayWindow("UTC", "2019-04-19"))).toEqual([]);
  });

  it("repeats daily at the same UTC time and reports index, end and activityId", () => {
    const [o] = expandOccurrences(daily("2019-04-01T14:00:00Z"), localDayWindow("America/Chicago", "2019-04-18"));
    expect(o).toEqual({
      activityId: 7,
      index: 17,
      start: new Date("2019-04-18T14:00:00Z"),
      end: new Date("2019-04-18T15:00:00Z"),
    });
  });

  it("puts a late-evening local occurrence on the next UTC date but the same local day", () => {
    // 23:30 in Chicago (CDT) is 04:30Z the next day.
    const a = daily("2019-04-02T04:30:00Z");
    expect(starts(expandOccurrences(a, localDayWindow("America/Chicago", "2019-04-18")))).toEqual([
      "2019-04-19T04:30:00.000Z",
    ]);
    expect(starts(expandOccurrences(a, localDayWindow("UTC", "2019-04-18")))).toEqual(["2019-04-18T04:30:00.000Z"]);
  });

  it("keeps UTC time across a DST change, so the local time shifts an hour", () => {
    // 22:30 CDT before 2019-11-03 becomes 21:30 CST after it.
    const a = daily("2019-10-30T03:30:00Z");
    expect(starts(expandOccurrences(a, localDayWindow("America/Chicago", "2019-11-04")))).toEqual([
      "2019-11-05T03:30:00.000Z",
    ]);
    expect(expandOccurrences(a, localWeekWindow("America/Chicago", "2019-11-04"))).toHaveLength(7);
  });

  it("matches by overlap when asked, catching an occurrence that crosses midnight", () => {
    const a = daily("2019-04-01T23:30:00Z", { durationMinutes: 60 }); // 23:30–00:30 UTC
    const day = localDayWindow("UTC", "2019-04-18");
    expect(starts(expandOccurrences(a, day))).toEqual(["2019-04-18T23:30:00.000Z"]);
    expect(starts(expandOccurrences(a, day, { match: "overlap" }))).toEqual([
      "2019-04-17T23:30:00.000Z",
      "2019-04-18T23:30:00.000Z",
    ]);
  });

  it("stops after the UTC day of repeatEnd, that day included", () => {
    const a = daily("2019-04-01T14:00:00Z", { repeatEnd: "2019-04-10T00:00:00.000Z" });
    const all = expandOccurrences(a, { from: new Date("2019-03-01Z"), to: new Date("2019-05-01Z") });
    expect(all).toHaveLength(10);
    expect(all.at(-1)?.start.toISOString()).toBe("2019-04-10T14:00:00.000Z");
  });

  it("repeats weekly on the UTC weekday of dateStart until repeatEnd", () => {
    const weekly = {
      dateStart: new Date("2019-04-03T01:00:00Z"), // Wednesday UTC, Tuesday evening in Chicago
      durationMinutes: 30,
      repeat: "weekly",
      repeatEnd: new Date("2019-04-24T12:00:00Z"),
    };
    const month = { from: new Date("2019-04-01T00:00:00Z"), to: new Date("2019-05-31T00:00:00Z") };
    const got = expandOccurrences(weekly, month);
    expect(starts(got)).toEqual([
      "2019-04-03T01:00:00.000Z",
      "2019-04-10T01:00:00.000Z",
      "2019-04-17T01:00:00.000Z",
      "2019-04-24T01:00:00.000Z",
    ]);
    expect(got.every((o) => o.start.getUTCDay() === 3)).toBe(true);
  });

  it("never yields occurrences before dateStart and treats unknown repeat values as never", () => {
    const a = daily("2019-04-18T14:00:00Z");
    expect(expandOccurrences(a, localWeekWindow("UTC", "2019-04-18"))).toHaveLength(3);
    const odd = { ...a, repeat: "monthly" };
    expect(expandOccurrences(odd, localWeekWindow("UTC", "2019-04-18"))).toHaveLength(1);
  });
});
