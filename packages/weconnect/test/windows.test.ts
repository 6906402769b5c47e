import { describe, expect, it } from "vitest";
import { localDateOf, localDayWindow, localWeekWindow } from "../src/index.js";

const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];
const hours = (w: { from: Date; to: Date }) => (w.to.getTime() + 1 - w.from.getTime()) / 3_600_000;

describe("localDayWindow", () => {
  it("gives the UTC bounds of a Chicago day in CDT, as the reference example", () => {
    expect(iso(localDayWindow("America/Chicago", "2019-04-18"))).toEqual([
      "2019-04-18T05:00:00.000Z",
      "2019-04-19T04:59:59.999Z",
    ]);
  });

  it("makes the March DST day in Chicago 23 hours long", () => {
    const w = localDayWindow("America/Chicago", "2019-03-10");
    expect(iso(w)).toEqual(["2019-03-10T06:00:00.000Z", "2019-03-11T04:59:59.999Z"]);
    expect(hours(w)).toBe(23);
  });

  it("makes the November DST day in Chicago 25 hours long", () => {
    const w = localDayWindow("America/Chicago", "2019-11-03");
    expect(iso(w)).toEqual(["2019-11-03T05:00:00.000Z", "2019-11-04T05:59:59.999Z"]);
    expect(hours(w)).toBe(25);
  });

  it("handles zones east of UTC, including Auckland's April DST end", () => {
    expect(iso(localDayWindow("Pacific/Auckland", "2019-04-18"))).toEqual([
      "2019-04-17T12:00:00.000Z",
      "2019-04-18T11:59:59.999Z",
    ]);
    expect(hours(localDayWindow("Pacific/Auckland", "2019-04-07"))).toBe(25);
    expect(hours(localDayWindow("Pacific/Auckland", "2019-09-29"))).toBe(23);
  });

  it("handles half-hour offsets (Asia/Kolkata) and UTC", () => {
    expect(iso(localDayWindow("Asia/Kolkata", "2019-04-18"))).toEqual([
      "2019-04-17T18:30:00.000Z",
      "2019-04-18T18:29:59.999Z",
    ]);
    expect(iso(localDayWindow("UTC", "2019-04-18"))).toEqual([
      "2019-04-18T00:00:00.000Z",
      "2019-04-18T23:59:59.999Z",
    ]);
  });

  it("starts a day whose midnight is skipped by DST at the jump (America/Santiago)", () => {
    // Chile springs forward at 24:00 → 01:00 local, so 2019-09-08 starts at 01:00 -03.
    expect(localDayWindow("America/Santiago", "2019-09-08").from.toISOString()).toBe("2019-09-08T04:00:00.000Z");
  });

  it("takes an instant and uses its local date in the zone", () => {
    const lateEvening = new Date("2019-04-19T03:00:00.000Z"); // 22:00 on the 18th in Chicago
    expect(iso(localDayWindow("America/Chicago", lateEvening))[0]).toBe("2019-04-18T05:00:00.000Z");
    expect(localDateOf(lateEvening, "America/Chicago")).toBe("2019-04-18");
    expect(localDateOf(lateEvening, "Pacific/Auckland")).toBe("2019-04-19");
  });

  it("refuses an unknown zone and an impossible date with a clear error", () => {
    expect(() => localDayWindow("Mars/Olympus", "2019-04-18")).toThrow(/Unknown IANA time zone "Mars\/Olympus"/);
    expect(() => localDayWindow("UTC", "2019-02-30")).toThrow(/Invalid local date/);
    expect(() => localDateOf(new Date(), "Nope")).toThrow(RangeError);
  });

  it("names the argument order when localDateOf is called as (timeZone, instant)", () => {
    const swapped = localDateOf as unknown as (zone: string, at: Date) => string;
    expect(() => swapped("America/Chicago", new Date())).toThrow(/\(instant, timeZone\)/);
  });
});

describe("localWeekWindow", () => {
  it("spans Sunday 00:00 to the end of Saturday in the participant's zone", () => {
    expect(iso(localWeekWindow("America/Chicago", "2019-04-18"))).toEqual([
      "2019-04-14T05:00:00.000Z",
      "2019-04-21T04:59:59.999Z",
    ]);
  });

  it("is 167 hours across the March switch and 169 across November in Chicago", () => {
    expect(hours(localWeekWindow("America/Chicago", "2019-03-12"))).toBe(167);
    expect(hours(localWeekWindow("America/Chicago", "2019-11-04"))).toBe(169);
  });

  it("maps a Sunday and a Saturday to their own week", () => {
    expect(localWeekWindow("Pacific/Auckland", "2019-04-14").from.toISOString()).toBe("2019-04-13T12:00:00.000Z");
    expect(localWeekWindow("UTC", "2019-04-20").to.toISOString()).toBe("2019-04-20T23:59:59.999Z");
  });

  it("answers the same on repeated calls and keeps rejecting an unknown zone", () => {
    const first = localDayWindow("America/Chicago", "2019-11-03");
    for (let i = 0; i < 3; i++) {
      expect(localDayWindow("America/Chicago", "2019-11-03")).toEqual(first);
      expect(() => localDayWindow("Mars/Olympus", "2019-11-03")).toThrow(RangeError);
    }
    expect(first.to.getTime() - first.from.getTime() + 1).toBe(25 * 3_600_000);
  });
});

describe("localDateOf's remembered day", () => {
  it("gives Intl's own answer across midnights and clock changes, in zones with odd rules", () => {
    const zones = ["America/Chicago", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "UTC"];
    const step = 37 * 60_000;
    for (const zone of zones) {
      const intl = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += step) {
        expect(localDateOf(new Date(ms), zone)).toBe(intl.format(ms));
      }
    }
  });
});
