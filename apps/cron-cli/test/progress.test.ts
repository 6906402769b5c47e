import { Writable } from "node:stream";
import type { RunProgress } from "@powertoken/core";
import { describe, expect, it } from "vitest";
import { createOutput } from "../src/_output.js";
import { formatElapsed, formatProgress, startProgressDisplay } from "../src/_progress.js";

/** A stream that keeps what is written; `isTTY` as a terminal (or a cron log) would say. */
function capture(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY, columns },
  );
  return { stream, text: () => chunks.join("") };
}

const progress = (done: number, total: number, outcome: RunProgress["outcome"]["outcome"]): RunProgress => ({ job: "poll", done, total, outcome: { participantId: done, name: `p${done}`, outcome } });

describe("formatProgress", () => {
  it("shows done of total, the job's outcome counts and the elapsed time", () => {
    expect(formatProgress({ job: "poll", done: 37, total: 120, counts: { written: 5, unchanged: 30, failed: 2 }, elapsedMs: 12_400 })).toBe(
      "poll  37/120 participants  (written 5, unchanged 30, failed 2)  12.4 s",
    );
  });

  it("lists the job's usual outcomes at zero and others only once they occur", () => {
    expect(formatProgress({ job: "poll", done: 0, total: 3, counts: {}, elapsedMs: 0 })).toBe("poll  0/3 participants  (written 0, unchanged 0, failed 0)  0.0 s");
    expect(formatProgress({ job: "poll", done: 2, total: 9, counts: { skipped: 2 }, elapsedMs: 950 })).toBe("poll  2/9 participants  (written 0, unchanged 0, skipped 2, failed 0)  0.9 s");
    expect(formatProgress({ job: "maintenance", done: 4, total: 4, counts: { updated: 3, failed: 1 }, elapsedMs: 2_000 })).toBe("maintenance  4/4 participants  (updated 3, failed 1)  2.0 s");
  });

  it("says starting until the first participant finishes", () => {
    expect(formatProgress({ job: "maintenance", done: 0, counts: {}, elapsedMs: 300 })).toBe("maintenance  starting…  0.3 s");
  });

  it("switches to minutes after a minute", () => {
    expect(formatElapsed(59_949)).toBe("59.9 s");
    expect(formatElapsed(187_000)).toBe("3 min 07 s");
  });
});

describe("the progress line", () => {
  it("draws on a TTY over one line, throttled, and erases it when stopped", () => {
    const stdout = capture(true);
    const stderr = capture(true, 200);
    const out = createOutput({ json: false, streams: { stdout: stdout.stream, stderr: stderr.stream } });
    let clock = 0;
    const display = startProgressDisplay(out, "poll", { now: () => clock });
    clock = 400;
    display.update(progress(1, 3, "written"));
    clock = 410; // within 100 ms of the last draw: not drawn now
    display.update(progress(2, 3, "failed"));
    display.stop();

    expect(stderr.text()).toBe("\r\x1b[2Kpoll  starting…  0.0 s\r\x1b[2Kpoll  1/3 participants  (written 1, unchanged 0, failed 0)  0.4 s\r\x1b[2K");
    expect(stdout.text()).toBe("");
  });

  it("cuts a line wider than the terminal so it never wraps", () => {
    const stderr = capture(true, 20);
    const out = createOutput({ json: false, streams: { stdout: capture(true).stream, stderr: stderr.stream } });
    out.statusLine("poll  1/3 participants  (written 1)");
    expect(stderr.text()).toBe("\r\x1b[2Kpoll  1/3 participa");
  });

  it("leaves the line whole when the terminal reports no width", () => {
    const stderr = capture(true, 0);
    const out = createOutput({ json: false, streams: { stdout: capture(true).stream, stderr: stderr.stream } });
    out.statusLine("poll  starting…  0.0 s");
    expect(stderr.text()).toBe("\r\x1b[2Kpoll  starting…  0.0 s");
  });

  it("prints nothing in a cron log or under --json", () => {
    for (const [isTTY, json] of [[false, false], [true, true]] as const) {
      const stdout = capture(isTTY);
      const stderr = capture(isTTY);
      const out = createOutput({ json, streams: { stdout: stdout.stream, stderr: stderr.stream } });
      const display = startProgressDisplay(out, "poll", { now: () => 0 });
      display.update(progress(1, 1, "written"));
      display.clear();
      display.stop();
      expect(stdout.text() + stderr.text()).toBe("");
    }
  });
});
