// The real-browser test: Debian's Chromium through playwright-core, a phone-sized viewport, our
// app on a real HTTP server on 127.0.0.1 and the simulators' own consent page.
// POWERTOKEN_SCREENSHOTS=1 (npm run screenshots) also saves every page under docs/.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createInvite, runMaintenance } from "@powertoken/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeListener } from "../src/index.js";
import { HAVE_CHROMIUM, IN_CI, launchChromium } from "./helpers/chromium.js";
import { PASSWORD, startWebWorld, type WebWorld } from "./helpers/web-world.js";

const SAVE = process.env.POWERTOKEN_SCREENSHOTS === "1";
const DOCS = fileURLToPath(new URL("../docs/", import.meta.url));
const TODAY = "2026-11-30";

// Skipping is for workstations only: in CI a missing browser must fail.
describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("a participant in a real browser (390×844)", { timeout: 120_000 }, () => {
  let world: WebWorld;
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    // The server starts first: the app's public address has to carry its port.
    const handler: { listener?: ReturnType<typeof toNodeListener> } = {};
    server = createServer((req, res) => void handler.listener?.(req, res));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    world = await startWebWorld("sqlite", { publicUrl });
    handler.listener = toNodeListener(world.app);
    world.googleSim.state.oauth.settings.consent = "page";
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
    await world?.close();
  });

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, javaScriptEnabled: false });
    return context.newPage();
  }
  async function shot(page: Page, name: string): Promise<void> {
    if (SAVE) await page.screenshot({ path: `${DOCS}${name}.png`, fullPage: true });
  }
  async function allowOnSimulator(page: Page, name?: string): Promise<void> {
    await page.getByRole("button", { name: "Allow" }).waitFor();
    if (name) await shot(page, name);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/\/p\//);
  }

  it("signs in (after a wrong password), consents on the simulator's page and sees the done page", async () => {
    const p = await world.addParticipant("alice");
    world.googleSim.state.oauth.autoApprove.userId = "alice";
    const page = await phone();
    await page.goto(`${world.publicUrl}/p/${p.token}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Alice");
    await shot(page, "1-welcome");
    await page.getByRole("link", { name: /Start/ }).click();
    await page.getByLabel("E-mail").fill(p.email);
    await page.getByLabel("Password").fill("not-my-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("did not accept");
    await shot(page, "2-weconnect-wrong-password");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect Google Health");
    await shot(page, "3-connect");
    await page.getByRole("link", { name: "Connect Google Health" }).click();
    await allowOnSimulator(page, "4-simulator-consent");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You are all set, Alice");
    await shot(page, "5-done");
    const steps = world.googleSteps("alice", TODAY);
    expect(steps).toBeGreaterThan(0);
    expect(await page.locator(".figure").textContent()).toBe(`${steps!.toLocaleString("en-US")} steps`);
    expect(await world.status(p.id)).toBe("active");
  });

  it("explains a Cancel on the consent page, and Try again then connects", async () => {
    const p = await world.addParticipant("bruno");
    world.googleSim.state.oauth.autoApprove.userId = "bruno";
    const page = await phone();
    await page.goto(`${world.publicUrl}/p/${p.token}/weconnect`);
    await page.getByLabel("E-mail").fill(p.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Connect Google Health" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL(/\/oauth\/callback/);
    expect(await page.getByRole("alert").textContent()).toContain("You chose not to allow access");
    await shot(page, "6-consent-cancelled");
    await page.getByRole("link", { name: "Try again" }).click();
    await allowOnSimulator(page);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You are all set, Bruno");
  });

  it("reconnects a participant whose refresh token the tracker revoked", async () => {
    const p = await world.addParticipant("chen");
    world.googleSim.state.oauth.autoApprove.userId = "chen";
    const page = await phone();
    await page.goto(`${world.publicUrl}/p/${p.token}/weconnect`);
    await page.getByLabel("E-mail").fill(p.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Connect Google Health" }).click();
    await allowOnSimulator(page);
    // The participant removes PowerToken in their Google account; the next refresh fails.
    world.googleSim.state.revokeGrant("chen");
    world.googleSim.state.oauth.expireAccessTokens("chen");
    // Maintenance refreshes a token only in its last 5 minutes (issue 17): go there (tokens live an hour).
    const before = world.clock.now;
    world.clock.now = new Date(before.getTime() + 57 * 60_000);
    await runMaintenance(world.runtime.ctx, { participantIds: [p.id] });
    world.clock.now = before;
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
    const again = await createInvite(world.runtime, { participantId: p.id });
    await page.goto(again.url);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect Google Health");
    expect(await page.locator("main").textContent()).toContain("can no longer write");
    await shot(page, "7-reconnect");
    await page.getByRole("link", { name: "Connect Google Health" }).click();
    await allowOnSimulator(page);
    expect(await world.status(p.id)).toBe("active");
  });

  it("moves a legacy-Fitbit participant to Google Health, and the next poll writes the day there", async () => {
    const p = await world.addParticipant("dana", "needs-google-health", { linkedLegacy: true });
    world.googleSim.state.oauth.autoApprove.userId = "dana";
    const page = await phone();
    await page.goto(`${world.publicUrl}/p/${p.token}`);
    expect(await page.locator("main").textContent()).toContain("switched off the old connection");
    await shot(page, "8-move-to-google-health");
    await page.getByRole("link", { name: "Connect Google Health" }).click();
    await allowOnSimulator(page);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You are all set, Dana");
    expect(world.googleSteps("dana", TODAY)).toBeGreaterThan(0);
  });

  it("shows one page for every unknown link", async () => {
    const page = await phone();
    const response = await page.goto(`${world.publicUrl}/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(response?.status()).toBe(404);
    await shot(page, "9-invalid-link");
  });
});
