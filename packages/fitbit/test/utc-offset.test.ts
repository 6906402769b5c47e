import { describe, expect, it } from "vitest";
import { createZoneFormatters, utcOffsetSeconds } from "../src/google-health/ids.js";

// The offsets are remembered per zone and instant; asked again, or after the memo was cleared,
// they must stay the zone's own, across clock changes included.
describe("utcOffsetSeconds", () => {
  it("gives the zone's offset at each instant, remembered or not", () => {
    const zones = createZoneFormatters();
    const expected = (zone: string, ms: number) => {
      const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(ms).find((p) => p.type === "timeZoneName")!.value;
      const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
      return match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0;
    };
    for (const zone of ["America/Chicago", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]) {
      const formatter = zones(zone);
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 5 * 3_600_000 + 60_000) {
        expect(utcOffsetSeconds(formatter, ms)).toBe(expected(zone, ms));
        expect(utcOffsetSeconds(formatter, ms)).toBe(expected(zone, ms));
      }
    }
  });
});
