import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CoreError } from "@powertoken/core";
import { createLogger, errorFields } from "../src/logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  let raw = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw += chunk.toString();
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, destination, raw: () => raw };
}

describe("createLogger", () => {
  it("writes one JSON line per call through core's Logger shape, with participant ids", () => {
    const out = capture();
    const { logger } = createLogger({ destination: out.destination, base: { replica: "host:1:ab" } });
    logger.warn("poll: participant failed", { participantId: 7, code: "UNAUTHORIZED" });
    logger.debug("not shown at info", {});
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ level: 40, msg: "poll: participant failed", participantId: 7, code: "UNAUTHORIZED", replica: "host:1:ab" });
    expect(typeof out.lines[0]!["time"]).toBe("string");
  });

  it("censors token-ish fields at the top level and nested, so no secret reaches the log", () => {
    const out = capture();
    const { logger } = createLogger({ destination: out.destination });
    logger.info("oops", {
      token: "tok-top-secret",
      account: { accessToken: "acc-secret", refresh_token: "ref-secret" },
      request: { headers: { authorization: "Bearer hdr-secret" } },
      config: { googleHealth: { clientSecret: "client-secret" } },
      participantId: 3,
    });
    const text = out.raw();
    for (const secret of ["tok-top-secret", "acc-secret", "ref-secret", "hdr-secret", "client-secret"]) expect(text).not.toContain(secret);
    expect(out.lines[0]).toMatchObject({ token: "[redacted]", account: { accessToken: "[redacted]" }, participantId: 3 });
  });

  it("serialises an error under `error` with its code and stack", () => {
    const out = capture();
    const { logger } = createLogger({ destination: out.destination });
    logger.error("poll run failed", { error: Object.assign(new Error("database gone"), { code: "CONNECTION_FAILED" }) });
    expect(out.lines[0]).toMatchObject({ error: { type: "Error", message: "database gone", code: "CONNECTION_FAILED" } });
  });

  it("logs a PowerToken error as code and message only, and an unexpected one with its stack", () => {
    const out = capture();
    const { logger } = createLogger({ destination: out.destination });
    logger.error("poll run failed", errorFields(new CoreError("NOT_CONFIGURED", "No OAuth client for google-health.")));
    logger.error("poll run failed", errorFields(new TypeError("x is undefined")));
    expect(out.lines[0]).toMatchObject({ code: "NOT_CONFIGURED", message: "No OAuth client for google-health." });
    expect(out.lines[0]).not.toHaveProperty("error");
    expect(out.raw().split("\n")[0]).not.toContain("stack");
    expect(out.lines[1]).toMatchObject({ error: { type: "TypeError", stack: expect.stringContaining("TypeError") as unknown } });
  });
});
