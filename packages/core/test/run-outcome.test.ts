import { EventEmitter } from "node:events";
import { DbError } from "@powertoken/db";
import { FitbitError } from "@powertoken/fitbit";
import { WeconnectError } from "@powertoken/weconnect";
import { describe, expect, it } from "vitest";
import { CoreError, handleShutdownSignals, isPowerTokenError, runOutcome, signalExitCode } from "../src/index.js";

describe("runOutcome", () => {
  it("is ok with no failure, partial when some failed, failed when every attempted participant failed", () => {
    expect(runOutcome({ job: "poll", failed: 0, written: 0, unchanged: 0 })).toBe("ok");
    expect(runOutcome({ job: "poll", failed: 1, written: 1, unchanged: 0 })).toBe("partial");
    expect(runOutcome({ job: "poll", failed: 2, written: 0, unchanged: 0 })).toBe("failed");
    expect(runOutcome({ job: "maintenance", failed: 1, updated: 1, skipped: 0, removedIncomplete: 0 })).toBe("partial");
    expect(runOutcome({ job: "maintenance", failed: 1, updated: 0, skipped: 1, removedIncomplete: 0 })).toBe("partial");
    expect(runOutcome({ job: "maintenance", failed: 1, updated: 0, skipped: 0, removedIncomplete: 0 })).toBe("failed");
  });
});

describe("isPowerTokenError", () => {
  it("recognises the four packages' errors by name and code, and nothing else", () => {
    expect(isPowerTokenError(new CoreError("NOT_CONFIGURED", "x"))).toBe(true);
    expect(isPowerTokenError(new DbError("CONFLICT", "x"))).toBe(true);
    expect(isPowerTokenError(new WeconnectError("NETWORK", "x"))).toBe(true);
    expect(isPowerTokenError(new FitbitError("SERVER", "x"))).toBe(true);
    // A copy of a class from a second (CJS) load: same name and code, other prototype.
    expect(isPowerTokenError(Object.assign(new Error("x"), { name: "DbError", code: "CONFLICT" }))).toBe(true);
    expect(isPowerTokenError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(isPowerTokenError("DbError")).toBe(false);
  });
});

describe("handleShutdownSignals", () => {
  it("stops new work on the first signal and forces on the second, then lets go of the emitter", () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const remove = handleShutdownSignals(emitter, { onShutdown: (s) => calls.push(`stop ${s}`), onForce: (s) => calls.push(`force ${signalExitCode(s)}`) });
    emitter.emit("SIGTERM");
    emitter.emit("SIGINT");
    expect(calls).toEqual(["stop SIGTERM", "force 130"]);
    remove();
    expect(emitter.listenerCount("SIGINT") + emitter.listenerCount("SIGTERM")).toBe(0);
  });
});
