import * as db from "@powertoken/db";
import { describe, expect, it } from "vitest";
import * as core from "../src/index.js";

// The apps import only core (apps → core → db); what they need from db is core's re-export.
describe("db functions re-exported for the apps", () => {
  it.each(["dbErrorOf", "checkWritable", "checkIntegrity", "migrationStatus", "newerMigrations", "generateEncryptionKey", "parseEncryptionKey", "rotateEncryptionKey", "closeAbandonedJobRuns", "migrateToLatest", "parseDatabaseUrl"] as const)("%s is db's own function", (name) => {
    expect(typeof (core as Record<string, unknown>)[name]).toBe("function");
    expect((core as Record<string, unknown>)[name]).toBe(db[name]);
  });

  it("PARTICIPANT_STATUSES is db's list", () => {
    expect((core as Record<string, unknown>)["PARTICIPANT_STATUSES"]).toBe(db.PARTICIPANT_STATUSES);
  });
});
