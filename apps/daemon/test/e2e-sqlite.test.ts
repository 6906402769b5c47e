import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTrackerAccount, getDay, openDatabase } from "@powertoken/db";
import { daysNeedingWrite } from "./helpers/days-needing-write.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDaemonProcess, type DaemonProcess } from "./helpers/daemon-process.js";
import { startStudy, type Study } from "./helpers/study.js";

const file = join(mkdtempSync(join(tmpdir(), "pt-daemon-e2e-")), "powertoken.sqlite");
let study: Study;
const started: DaemonProcess[] = [];

beforeAll(async () => {
  study = await startStudy({ databaseUrl: `sqlite:${file}`, count: 5 });
});
afterEach(async () => {
  for (const d of started.splice(0)) {
    if (d.child.exitCode === null && d.child.signalCode === null) {
      d.child.kill("SIGKILL");
      await d.exited;
    }
  }
});
afterAll(async () => {
  await study.close();
});

function start(extra: Record<string, string> = {}): DaemonProcess {
  const daemon = startDaemonProcess({
    ...study.env,
    POWERTOKEN_POLL_SCHEDULE: "* * * * * *",
    POWERTOKEN_MAINTENANCE_SCHEDULE: "*/2 * * * * *",
    POWERTOKEN_POLL_ALL: "true",
    ...extra,
  });
  started.push(daemon);
  return daemon;
}

const isMsg = (prefix: string) => (line: Record<string, unknown>) => typeof line["msg"] === "string" && (line["msg"] as string).startsWith(prefix);

describe("the built daemon on SQLite", () => {
  it("polls on its schedule, serves health, stops on SIGTERM with exit 0 and leaves the database consistent", async () => {
    const daemon = start();
    const ready = await daemon.waitFor(isMsg("daemon started"));
    const url = ready["url"] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await daemon.waitFor((l) => isMsg("poll run finished")(l) && (l["polled"] as number) === 5);
    const [participantId, person] = [...study.people][0]!;
    const mark = daemon.lines.length;
    study.weconnect.state.checkIn(person.personId, person.activityId, person.occurrenceAt);
    await daemon
      .waitFor((l) => l["msg"] === "poll: participant written" && l["participantId"] === participantId && daemon.lines.indexOf(l) >= mark, 15_000)
      .catch((error: unknown) => {
        console.log(daemon.lines.filter((l) => l["participantId"] === participantId || String(l["msg"]).includes("finished")).slice(-6));
        throw error;
      });

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/powertoken_runs_total\{job="poll",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/powertoken_api_requests_total\{api="weconnect"\} [1-9]/);

    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.lines.some(isMsg("daemon stopped"))).toBe(true);
    expect(existsSync(`${file}.daemon.lock`)).toBe(false);

    const handle = await openDatabase({ url: `sqlite:${file}` });
    try {
      expect(await daysNeedingWrite(handle.db)).toEqual([]);
      const today = new Date().toISOString().slice(0, 10);
      const day = await getDay(handle.db, participantId, today);
      expect(day).toMatchObject({ confirmedSteps: 1000 });
      expect(study.google.state.viewDay(person.healthUserId, today).powertoken?.steps).toBe(1000);
      expect(await findTrackerAccount(handle.db, participantId)).toMatchObject({ status: "active" });
    } finally {
      await handle.close();
    }
    const text = daemon.stdout() + daemon.stderr();
    expect(text).not.toContain(study.env["POWERTOKEN_ENCRYPTION_KEY"]!);
    expect(text).not.toContain("sim-secret");
  });

  it("refuses a second replica on the same SQLite file with a clear message", async () => {
    const first = start();
    await first.waitFor(isMsg("daemon started"));
    const second = start();
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.stderr()).toContain("already uses");
    expect(second.stderr()).toContain("SQLite supports one daemon replica");
    expect(first.child.exitCode).toBeNull();
    first.child.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
  });

  it("exits at once on a second signal", async () => {
    const daemon = start({ POWERTOKEN_SHUTDOWN_DEADLINE_MS: "60000" });
    await daemon.waitFor(isMsg("poll run started"));
    daemon.child.kill("SIGTERM");
    await daemon.waitFor(isMsg("SIGTERM received"));
    daemon.child.kill("SIGINT");
    const { code } = await daemon.exited;
    // The second signal exits at once (130), unless the drain had already finished (0).
    expect([0, 130]).toContain(code);
    expect(existsSync(`${file}.daemon.lock`)).toBe(false);
  });
});
