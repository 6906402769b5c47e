import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDaemonProcess, type DaemonProcess } from "./helpers/daemon-process.js";
import { startStudy, type Study } from "./helpers/study.js";

const file = join(mkdtempSync(join(tmpdir(), "pt-daemon-web-")), "powertoken.sqlite");
let study: Study;
const started: DaemonProcess[] = [];

beforeAll(async () => {
  study = await startStudy({ databaseUrl: `sqlite:${file}`, count: 1 });
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

const WEB = { POWERTOKEN_WEB_PUBLIC_URL: "https://study.example.org", POWERTOKEN_WEB_STUDY_NAME: "Daemon Study", POWERTOKEN_WEB_CONTACT: "team@example.org" };

function start(extra: Record<string, string>, args: string[] = []): DaemonProcess {
  const daemon = startDaemonProcess({ ...study.env, ...extra }, args);
  started.push(daemon);
  return daemon;
}

const isMsg = (prefix: string) => (line: Record<string, unknown>) => typeof line["msg"] === "string" && (line["msg"] as string).startsWith(prefix);

describe("the daemon's web pages", () => {
  it("serves the participant pages and the dashboard beside /healthz when web.publicUrl is set, and runs no job with --no-schedules", async () => {
    const daemon = start(WEB, ["--no-schedules"]);
    const ready = await daemon.waitFor(isMsg("daemon started"));
    expect(ready).toMatchObject({ schedules: false });
    const url = ready["url"] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(`${url}/healthz`, { method: "POST" })).status).toBe(405);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain("powertoken_");

    const unknown = await fetch(`${url}/p/not-a-real-link-token`);
    const page = await unknown.text();
    expect(unknown.headers.get("content-type")).toMatch(/text\/html/);
    expect(page).toContain("This link is not valid");
    expect(page).toContain("team@example.org");

    const admin = await fetch(`${url}/admin`, { redirect: "manual" });
    expect(admin.status).toBeGreaterThanOrEqual(300);
    expect(admin.status).toBeLessThan(400);
    expect(admin.headers.get("location")).toMatch(/\/admin\/signin/);
    expect(await (await fetch(`${url}/admin/signin`)).text()).toContain("Daemon Study");

    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.lines.some(isMsg("poll run started"))).toBe(false);
  });

  it("answers other paths with 404 and says once that the pages are off when web.publicUrl is not set", async () => {
    const daemon = start({ POWERTOKEN_POLL_SCHEDULE: "0 0 1 1 *" });
    const ready = await daemon.waitFor(isMsg("daemon started"));
    const url = ready["url"] as string;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/p/anything`)).status).toBe(404);
    expect((await fetch(`${url}/admin`)).status).toBe(404);
    expect(daemon.lines.filter(isMsg("web pages off"))).toHaveLength(1);
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });

  it("refuses to start (exit 78) when web.publicUrl is set without a contact", async () => {
    const daemon = start({ POWERTOKEN_WEB_PUBLIC_URL: WEB.POWERTOKEN_WEB_PUBLIC_URL, POWERTOKEN_WEB_STUDY_NAME: "Daemon Study" });
    expect(await daemon.exited).toEqual({ code: 78, signal: null });
    expect(daemon.stderr()).toContain("web.contact (POWERTOKEN_WEB_CONTACT)");
  });
});
