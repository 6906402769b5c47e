import { describe, expect, it } from "vitest";
import { previousDate } from "../src/poll/local-dates.js";

describe("previousDate", () => {
  it("steps back a calendar day, the same answer when asked again, past the memo's size too", () => {
    expect(previousDate("2026-03-01")).toBe("2026-02-28");
    expect(previousDate("2024-03-01")).toBe("2024-02-29");
    expect(previousDate("2027-01-01")).toBe("2026-12-31");
    let date = "2028-01-01";
    const walked: string[] = [];
    for (let i = 0; i < 1200; i += 1) walked.push((date = previousDate(date)));
    let again = "2028-01-01";
    for (const expected of walked) expect((again = previousDate(again))).toBe(expected);
    expect(walked[0]).toBe("2027-12-31");
    expect(walked.at(-1)).toBe(new Date(Date.UTC(2028, 0, 1) - 1200 * 86_400_000).toISOString().slice(0, 10));
    expect(() => previousDate("not-a-date")).toThrow(RangeError);
  });
});
