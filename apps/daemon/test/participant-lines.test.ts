import type { Logger } from "@powertoken/core";
import { describe, expect, it } from "vitest";
import { logParticipantLines } from "../src/participant-lines.js";

describe("logParticipantLines", () => {
  it("logs a failure at warn and the rest at debug, with ids and codes but never the name", () => {
    const lines: Array<[string, string, Record<string, unknown>]> = [];
    const log: Logger = {
      debug: (msg, fields) => lines.push(["debug", msg, fields ?? {}]),
      info: (msg, fields) => lines.push(["info", msg, fields ?? {}]),
      warn: (msg, fields) => lines.push(["warn", msg, fields ?? {}]),
      error: (msg, fields) => lines.push(["error", msg, fields ?? {}]),
    };
    const onProgress = logParticipantLines(log, "2026-11-30T10:15:00.000Z");
    onProgress({ job: "poll", done: 1, total: 2, outcome: { participantId: 7, name: "Ana Secret-Name", outcome: "written", steps: 2000 } });
    onProgress({ job: "poll", done: 2, total: 2, outcome: { participantId: 8, name: "Ben", outcome: "failed", code: "UNAUTHORIZED", message: "no" } });
    expect(lines).toEqual([
      ["debug", "poll: participant written", { job: "poll", runStartedAt: "2026-11-30T10:15:00.000Z", participantId: 7, outcome: "written", code: undefined }],
      ["warn", "poll: participant failed", { job: "poll", runStartedAt: "2026-11-30T10:15:00.000Z", participantId: 8, outcome: "failed", code: "UNAUTHORIZED" }],
    ]);
    expect(JSON.stringify(lines)).not.toContain("Secret-Name");
  });
});
