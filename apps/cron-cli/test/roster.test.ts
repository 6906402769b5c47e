import { describe, expect, it } from "vitest";
import { parseCsv } from "../src/_csv.js";
import { parseRoster } from "../src/_roster.js";

describe("roster parsing", () => {
  it("reads quoted CSV fields with commas, escaped quotes and line breaks, keeping line numbers", () => {
    const records = parseCsv('name,note\r\n"Smith, Ann","said ""hi""\nthen left"\n\nbob,x\n');
    expect(records).toEqual([
      { line: 1, fields: ["name", "note"] },
      { line: 2, fields: ["Smith, Ann", 'said "hi"\nthen left'] },
      { line: 5, fields: ["bob", "x"] },
    ]);
  });

  it("accepts spreadsheet-style headers and fills nothing it was not given", () => {
    const [entry] = parseRoster("Name,Time Zone,enrollment_start\nalice,America/Chicago,2026-12-01\n", "csv");
    expect(entry).toEqual({ where: "line 2", row: { name: "alice", timeZone: "America/Chicago", enrollmentStart: "2026-12-01" } });
  });

  it("reads a JSON array or an object with participants", () => {
    expect(parseRoster('[{"name":"a"}]', "json")).toHaveLength(1);
    expect(parseRoster('{"participants":[{"name":"a"},{"name":"b","goalSteps":50000}]}', "json")[1]?.row.goalSteps).toBe(50_000);
  });

  it("collects every problem with its line and never echoes a token", () => {
    const csv = ["name,weconnectToken,trackerRefreshToken,enrollmentStart,enrollmentEnd", "a,tok-SECRET-1,,2026-12-10,2026-12-01", ",,,,", "c,,ref-SECRET-2,,", "d,x"].join("\n");
    try {
      parseRoster(csv, "csv");
      expect.unreachable();
    } catch (error) {
      const details = (error as { code: string; details: string[] }).details;
      expect((error as { code: string }).code).toBe("ROSTER_INVALID");
      expect(details).toHaveLength(5);
      expect(details).toEqual(expect.arrayContaining([
        "line 2: weconnectToken: weconnectPersonId and weconnectToken go together",
        "line 2: enrollmentEnd: is before enrollmentStart",
        "line 3: name: required",
        "line 4: trackerAccessToken: required when trackerRefreshToken is given",
        "line 5: has 2 fields, the header has 5",
      ]));
      expect(JSON.stringify(details)).not.toMatch(/SECRET/);
    }
  });

  it("rejects unknown columns and an empty roster", () => {
    expect(() => parseRoster("name,colour\na,red\n", "csv")).toThrow(/problem/);
    expect(() => parseRoster("name\n", "csv")).toThrow(/no participants/);
  });
});
