import { upsertDay } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportDays, importParticipants } from "../src/index.js";
import { csvField } from "../src/export/csv-field.js";
import { openPlainRuntime, type PlainRuntime } from "./helpers/plain-runtime.js";

// OWASP CSV injection: a participant's name can be anything a coordinator typed or a roster held.
const NAMES = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tlead-tab", "\rlead-cr", "plain", "a-b=c"];

describe("CSV export formula guard", () => {
  let plain: PlainRuntime;
  beforeAll(async () => {
    plain = await openPlainRuntime("sqlite", "formula");
    // A name may no longer start with a tab or CR (core's name rule trims and refuses them), but a
    // database from an older version can hold one: those two are stored behind the rule's back.
    const placeholder = (name: string) => (/^[\t\r]/.test(name) ? `legacy-${NAMES.indexOf(name)}` : name);
    await importParticipants(plain.runtime, NAMES.map((name) => ({ name: placeholder(name), timeZone: "UTC", startDate: "2026-11-01" })));
    for (const name of NAMES.filter((n) => placeholder(n) !== n)) {
      await plain.runtime.db.db.updateTable("participants").set({ name }).where("name", "=", placeholder(name)).execute();
    }
    const ids = (await plain.runtime.db.db.selectFrom("participants").select(["id", "name"]).execute()).map((r) => r.id);
    for (const id of ids) {
      await upsertDay(plain.runtime.db.db, { participantId: id, localDate: "2026-11-20", plannedCount: 1, completedCount: 0, dailyProgress: 0, weeklyProgress: 0, desiredSteps: null, desiredLabel: null });
    }
  });
  afterAll(() => plain.close());

  it("prefixes a cell starting with =, +, -, @, tab or CR with an apostrophe, quoting as RFC 4180 asks", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@x")).toBe("'@x");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("\rx")).toBe("\"'\rx\"");
    expect(csvField('=A1,"b"')).toBe('"\'=A1,""b"""');
    expect(csvField("a-b=c")).toBe("a-b=c");
    expect(csvField(-5)).toBe("-5"); // a number stays a number
    expect(csvField(null)).toBe("");
  });

  it("exports no participant name a spreadsheet would run, and keeps JSON Lines as stored", async () => {
    let csv = "";
    for await (const chunk of exportDays(plain.runtime, { since: "2026-11-20", until: "2026-11-20", format: "csv" })) csv += chunk;
    const cells = csv.split("\r\n").slice(1, -1).map((line) => line.replace(/^"/, "").split(",")[0]);
    expect(cells).toHaveLength(NAMES.length);
    for (const cell of cells) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(csv).toContain("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2026-11-20");
    expect(csv).toContain("'+1+1,2026-11-20");
    expect(csv).toContain("'@SUM(A1),2026-11-20");
    expect(csv).toContain("\r\nplain,2026-11-20");
    expect(csv).toContain("\r\na-b=c,2026-11-20");
    let json = "";
    for await (const chunk of exportDays(plain.runtime, { since: "2026-11-20", until: "2026-11-20", format: "json" })) json += chunk;
    expect(json.trim().split("\n").map((l) => (JSON.parse(l) as { participant: string }).participant).sort()).toEqual([...NAMES].sort());
  });
});
