import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolParticipant, findEnrolledNames, findParticipant, importParticipants, listParticipants, normaliseParticipantName, participantNameProblem } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

// Names are printed on terminals, in tables and in CSV exports: one rule, in core, for every way in.
describe("participantNameProblem", () => {
  it.each([
    ["a tab", "tab\tname"],
    ["a newline", "nl\nname"],
    ["a carriage return", "cr\rname"],
    ["an escape sequence", "eve\u001b[2J"],
    ["DEL", "del\u007fname"],
    ["a C1 control", "c1\u0085name"],
    ["a line separator", "ls\u2028name"],
    ["a direction override", "\u202eevil"],
    ["a direction isolate", "iso\u2066late"],
  ])("refuses %s", (_label, name) => {
    expect(participantNameProblem(normaliseParticipantName(name))).toMatch(/control characters/);
  });

  it("accepts letters of every script, spaces and punctuation, and refuses empty and over-long names", () => {
    for (const name of ["Zoë", "José María", "李小龍", "O'Brien-Smith", "p-001", "Ørsted (pilot)"]) expect(participantNameProblem(name)).toBeUndefined();
    expect(participantNameProblem(normaliseParticipantName("   "))).toBe("required");
    expect(participantNameProblem("n".repeat(101))).toMatch(/at most 100/);
  });

  it("normalises to NFC and trims, so one name typed two ways is one name", () => {
    expect(normaliseParticipantName("  Zoe\u0308 ")).toBe("Zo\u00eb");
  });
});

describe.each(DIALECTS)("participant names on %s", (dialect) => {
  let world: DbWorld;
  beforeAll(async () => {
    world = await startDbWorld(dialect, [], "2026-12-01T15:00:00Z");
  });
  afterAll(async () => {
    await world?.close();
  });

  it("enrol refuses a name with a tab or newline, naming the field", async () => {
    await expect(enrolParticipant(world.runtime, { name: "tab\tname" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "name" });
    await expect(enrolParticipant(world.runtime, { name: "nl\nname" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "name" });
  });

  it("stores names in NFC: the decomposed spelling finds, and clashes with, the precomposed one", async () => {
    const zoe = await enrolParticipant(world.runtime, { name: "Zo\u00eb" });
    await expect(findParticipant(world.runtime, "Zoe\u0308")).resolves.toMatchObject({ id: zoe.id });
    await expect(enrolParticipant(world.runtime, { name: "Zoe\u0308" })).rejects.toMatchObject({ code: "INVALID_INPUT", key: "name" });
    await expect(findEnrolledNames(world.runtime, ["Zoe\u0308", "nobody"])).resolves.toEqual(["Zo\u00eb"]);
    const stored = await enrolParticipant(world.runtime, { name: "Rene\u0301" });
    expect(stored.name).toBe("Ren\u00e9");
  });

  it("import refuses a bad name and writes nothing, whoever validated the rows", async () => {
    const before = (await listParticipants(world.runtime)).length;
    await expect(importParticipants(world.runtime, [{ name: "fine-1" }, { name: "bad\u001b[31m" }])).rejects.toMatchObject({ code: "INVALID_INPUT", key: "name" });
    expect((await listParticipants(world.runtime)).length).toBe(before);
  });

  it("quotes an unknown reference so a control character in it prints inert", async () => {
    await expect(findParticipant(world.runtime, "x\u001b[2Jy")).rejects.toThrow('No participant "x\\u001b[2Jy"');
  });
});
