// A settings change leaves an audit row; the calendar check the dashboard's date filters use.
import { listAudit } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolParticipant, isCalendarDate, updateParticipantSettings } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

describe("isCalendarDate", () => {
  it("accepts days of the calendar and refuses impossible ones and other shapes", () => {
    for (const day of ["2026-02-28", "2024-02-29", "2000-02-29", "0001-01-01", "0050-06-15", "9999-12-31"]) expect(isCalendarDate(day), day).toBe(true);
    for (const day of ["2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "9999-99-99", "2026-1-1", "2026-01-01T00:00:00Z", " 2026-01-01", "", "275760-09-13"]) {
      expect(isCalendarDate(day), day).toBe(false);
    }
  });
});

describe.each(DIALECTS)("participant settings changes on %s", (dialect) => {
  let world: DbWorld;
  beforeAll(async () => {
    world = await startDbWorld(dialect, [], "2026-12-01T15:00:00Z");
  });
  afterAll(async () => {
    await world?.close();
  });

  it("audits a settings change with who made it and each field from → to, and writes nothing when nothing changes", async () => {
    const p = await enrolParticipant(world.runtime, { name: "settings-a", mapping: "plan" });
    await updateParticipantSettings(world.runtime, p.id, { goalSteps: p.goalSteps + 500 }, { by: "coordinator 7 from the dashboard" });
    await updateParticipantSettings(world.runtime, p.id, { mapping: "tally" });
    await updateParticipantSettings(world.runtime, p.id, { mapping: "tally", goalSteps: p.goalSteps + 500 });
    const audit = await listAudit(world.runtime.db.db, { participantId: p.id });
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ["participant-settings-changed", "mapping plan → tally; by staff"],
      ["participant-settings-changed", `goal ${p.goalSteps} → ${p.goalSteps + 500} steps; by coordinator 7 from the dashboard`],
    ]);
    expect(audit[0]).toMatchObject({ participantName: "settings-a", outcome: "ok" });
  });
});
