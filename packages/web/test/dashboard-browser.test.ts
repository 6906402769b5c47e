// The dashboard in a real browser: Debian's Chromium through playwright-core at 1280×800, our
// app on a real HTTP server on 127.0.0.1, a small simulated study polled through the simulators.
// Every page is checked with axe-core (no serious or critical violation). The CSP forbids
// scripts, so the test's context alone bypasses it to inject axe; the app's pages stay script-free.
// POWERTOKEN_SCREENSHOTS=1 (npm run screenshots) also saves every page as docs/dashboard-*.png.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { addCoordinator, runRecordedJob } from "@powertoken/core";
import { recordError, upsertDay } from "@powertoken/db";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeListener } from "../src/index.js";
import { HAVE_CHROMIUM, IN_CI, launchChromium } from "./helpers/chromium.js";
import { COORDINATOR_PASSWORD, activeParticipant } from "./helpers/dashboard.js";
import { startWebWorld, type WebWorld } from "./helpers/web-world.js";

const SAVE = process.env.POWERTOKEN_SCREENSHOTS === "1";
const DOCS = fileURLToPath(new URL("../docs/", import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

// Skipping is for workstations only: in CI a missing browser must fail.
describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("the study team's dashboard in a real browser (1280×800)", { timeout: 180_000 }, () => {
  let world: WebWorld;
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let aliceId: number;

  beforeAll(async () => {
    const handler: { listener?: ReturnType<typeof toNodeListener> } = {};
    server = createServer((req, res) => void handler.listener?.(req, res));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    world = await startWebWorld("sqlite", { publicUrl });
    handler.listener = toNodeListener(world.app);
    await addCoordinator(world.runtime, { email: "pi@example.org", role: "admin", password: COORDINATOR_PASSWORD });

    // A small study: two polled participants with two weeks of history, others at each step.
    const { db } = world.runtime.db;
    const alice = await activeParticipant(world, "alice", { enrollmentStart: "2026-11-16" });
    await activeParticipant(world, "ben");
    aliceId = alice.id;
    for (let back = 14; back >= 1; back -= 1) {
      const localDate = new Date(Date.parse("2026-11-30T00:00:00Z") - back * 86_400_000).toISOString().slice(0, 10);
      const completed = (back * 7) % 3;
      await upsertDay(db, { participantId: alice.id, localDate, plannedCount: 2, completedCount: completed, dailyProgress: completed / 2, weeklyProgress: 0.5, desiredSteps: completed * 5000, desiredLabel: null, now: world.clock.now });
    }
    await world.addParticipant("carmen", "needs-weconnect-signin");
    await world.addParticipant("dmitri", "needs-tracker-consent");
    await world.addParticipant("elena", "needs-google-health", { linkedLegacy: true });
    await recordError(db, { participantId: alice.id, origin: "poll", code: "RATE_LIMITED", message: "Google Health answered 429; retried at the next run.", at: new Date("2026-11-30T14:10:00Z") });
    await runRecordedJob(world.runtime, "maintenance", { replica: "daemon-a", owner: "daemon-a" });
    await runRecordedJob(world.runtime, "poll", { replica: "daemon-a", owner: "daemon-a" });

    browser = await launchChromium();
    // bypassCSP only so the test can inject axe-core; the app's own pages run no script.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, bypassCSP: true, acceptDownloads: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise((done) => server?.close(done));
    await world?.close();
  });

  async function check(page: Page, name: string): Promise<void> {
    await page.evaluate(AXE_SOURCE);
    const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as AxeViolation[];
    const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`), name).toEqual([]);
    if (SAVE) await page.screenshot({ path: `${DOCS}dashboard-${name}.png` });
  }

  it("signs in, sees the study, opens a participant, downloads the CSV, makes a reconnect link and signs out; every page passes axe", async () => {
    const page = await context.newPage();
    await page.goto(`${world.publicUrl}/admin`);
    await page.waitForURL(/\/admin\/signin/);
    await check(page, "1-signin");
    await page.getByLabel("E-mail").fill("pi@example.org");
    await page.getByLabel("Password").fill(COORDINATOR_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${world.publicUrl}/admin`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
    expect(await page.getByRole("link", { name: "alice" }).count()).toBe(1);
    await check(page, "2-overview");

    await page.getByRole("link", { name: "alice" }).click();
    await page.waitForURL(`${world.publicUrl}/admin/participants/${aliceId}`);
    expect(await page.locator("svg[aria-labelledby='chart-title chart-desc']").count()).toBe(1);
    await check(page, "3-participant");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe("participant,date,planned,checked_in,progress,steps_shown,write_state");
    expect(csv).toContain("alice,2026-11-30,2,1,");

    await page.getByRole("button", { name: "Make a reconnect link" }).click();
    await page.getByRole("heading", { name: "Reconnect link for alice" }).waitFor();
    const url = await page.getByLabel("Link (select it and copy)").inputValue();
    expect(url).toMatch(new RegExp(`^${world.publicUrl}/p/[A-Za-z0-9_-]{43}$`));
    expect(await page.locator("svg.qr").count()).toBe(1);
    await check(page, "4-link");

    await page.goto(`${world.publicUrl}/admin/participants/${aliceId}/remove`);
    await check(page, "5-remove");
    await page.goto(`${world.publicUrl}/admin/audit`);
    await check(page, "6-audit");
    await page.goto(`${world.publicUrl}/admin/errors`);
    expect(await page.getByText("RATE_LIMITED").count()).toBeGreaterThan(0);
    await check(page, "7-errors");
    await page.goto(`${world.publicUrl}/admin/attention`);
    await check(page, "8-attention");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/admin\/signin/);
    await page.goto(`${world.publicUrl}/admin`);
    await page.waitForURL(/\/admin\/signin/);
  });

  it("is usable on a phone: the overview fits 390 px wide with the table scrolling inside its box", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await phone.newPage();
    await page.goto(`${world.publicUrl}/admin/signin`);
    await page.getByLabel("E-mail").fill("pi@example.org");
    await page.getByLabel("Password").fill(COORDINATOR_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${world.publicUrl}/admin`);
    if (SAVE) await page.screenshot({ path: `${DOCS}dashboard-9-phone.png` });
    const widest = await page.evaluate("[...document.querySelectorAll('body *')].filter((e) => !e.closest('.scroll')).map((e) => [e.getBoundingClientRect().right, e.tagName + '.' + e.className]).sort((a, b) => b[0] - a[0])[0]");
    expect(await page.evaluate("document.documentElement.scrollWidth"), JSON.stringify(widest)).toBeLessThanOrEqual(390);
    await phone.close();
  });
});
