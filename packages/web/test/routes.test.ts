import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { revokeInvites } from "@powertoken/core";
import { setWeconnectAccountStatus, updateParticipant } from "@powertoken/db";
import { CONTENT_SECURITY_POLICY, createWebApp } from "../src/index.js";
import { DIALECTS, PASSWORD, csrfFrom, newBrowser, startWebWorld, type WebWorld } from "./helpers/web-world.js";

type Browser = ReturnType<typeof newBrowser>;

/** Follows the consent round trip: our /connect → the simulator's authorize (auto-approve) → our callback. */
async function consentThroughSimulator(world: WebWorld, browser: Browser, token: string, userId: string): Promise<Response> {
  world.googleSim.state.oauth.autoApprove.userId = userId;
  const start = await browser.get(`/p/${token}/connect`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location")!);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${world.publicUrl}/oauth/callback`);
  const approved = await fetch(authorize, { redirect: "manual" });
  const callback = approved.headers.get("location")!;
  expect(callback.startsWith(`${world.publicUrl}/oauth/callback?`)).toBe(true);
  return browser.get(callback);
}

async function signIn(browser: Browser, token: string, email: string, password: string): Promise<Response> {
  const form = await browser.get(`/p/${token}/weconnect`);
  return browser.post(`/p/${token}/weconnect`, { _csrf: csrfFrom(await form.text()), email, password });
}

describe.each(DIALECTS)("the participant's pages on %s", (dialect) => {
  let world: WebWorld;
  beforeAll(async () => {
    world = await startWebWorld(dialect);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("gives unknown, malformed, expired and revoked links the same page and status", async () => {
    const alive = await world.addParticipant(`expiring-${dialect}`);
    const revoked = await world.addParticipant(`revoked-${dialect}`);
    await revokeInvites(world.runtime, revoked.id);
    const browser = newBrowser(world.app, world.publicUrl);
    const answers = [];
    for (const path of ["/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/p/short", `/p/${revoked.token}`]) {
      const res = await browser.get(path);
      answers.push({ status: res.status, body: await res.text() });
    }
    world.clock.now = new Date(world.clock.now.getTime() + 15 * 86_400_000);
    const expired = await browser.get(`/p/${alive.token}`);
    answers.push({ status: expired.status, body: await expired.text() });
    world.clock.now = new Date(world.clock.now.getTime() - 15 * 86_400_000);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([404]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.body).toContain("This link is not valid");
    expect(answers[0]!.body).toContain("study-team@example.org");
  });

  it("welcomes a new participant with the study's name, contact and what PowerToken reads and writes, under a strict CSP", async () => {
    const p = await world.addParticipant(`Alice-${dialect}`);
    const res = await newBrowser(world.app, world.publicUrl).get(`/p/${p.token}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Recovery Steps Study");
    expect(html).toContain("study-team@example.org");
    expect(html).toContain("What PowerToken reads");
    expect(html).toContain(`href="/p/${p.token}/weconnect"`);
    expect(html).not.toMatch(/<script|style=|\son[a-z]+=/i);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("serves its stylesheet as a file", async () => {
    const res = await world.app.request("/assets/style.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/css");
  });

  it("sets HttpOnly, SameSite=Lax, Secure __Host- cookies on an https address", async () => {
    const p = await world.addParticipant(`cookies-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    await browser.get(`/p/${p.token}/weconnect`);
    expect(browser.setCookies).toHaveLength(1);
    expect(browser.setCookies[0]).toMatch(/^__Host-pt_csrf=/);
    expect(browser.setCookies[0]).toMatch(/HttpOnly/);
    expect(browser.setCookies[0]).toMatch(/Secure/);
    expect(browser.setCookies[0]).toMatch(/SameSite=Lax/);
  });

  it("drops Secure and the __Host- prefix on a plain-http address (local trials only)", async () => {
    const p = await world.addParticipant(`plain-${dialect}`);
    const app = createWebApp({ runtime: world.runtime, publicUrl: "http://127.0.0.1:8080", studyName: "S", contact: "c@example.org" });
    const browser = newBrowser(app, "http://127.0.0.1:8080");
    const res = await browser.get(`/p/${p.token}/weconnect`);
    expect(browser.setCookies[0]).toMatch(/^pt_csrf=.*HttpOnly/);
    expect(browser.setCookies[0]).not.toMatch(/Secure/);
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("refuses a POST without the CSRF token, with another browser's token, or from another origin", async () => {
    const p = await world.addParticipant(`csrf-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    const other = newBrowser(world.app, world.publicUrl);
    const token = csrfFrom(await (await browser.get(`/p/${p.token}/weconnect`)).text());
    const otherToken = csrfFrom(await (await other.get(`/p/${p.token}/weconnect`)).text());
    const path = `/p/${p.token}/weconnect`;
    expect((await browser.post(path, { email: p.email, password: PASSWORD })).status).toBe(403);
    expect((await browser.post(path, { _csrf: otherToken, email: p.email, password: PASSWORD })).status).toBe(403);
    const foreign = await browser.request(path, {
      method: "POST",
      body: new URLSearchParams({ _csrf: token, email: p.email, password: PASSWORD }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(await world.status(p.id)).toBe("needs-weconnect-signin");
  });

  it("shows a wrong password inline, then signs in with the right one and forgets it", async () => {
    const p = await world.addParticipant(`bob-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    const wrong = await signIn(browser, p.token, p.email, "wrong-password-123");
    const wrongHtml = await wrong.text();
    expect(wrong.status).toBe(422);
    expect(wrongHtml).toContain("did not accept that e-mail and password");
    expect(wrongHtml).toContain(`value="${p.email}"`);
    expect(wrongHtml).not.toContain("wrong-password-123");
    const right = await signIn(browser, p.token, p.email, PASSWORD);
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe(`/p/${p.token}`);
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
    // A second submit (back button, double click) just moves on.
    const again = await browser.post(`/p/${p.token}/weconnect`, { _csrf: csrfFrom(wrongHtml), email: p.email, password: PASSWORD });
    expect(again.status).toBe(303);
    const log = world.logs.text();
    for (const secret of [PASSWORD, "wrong-password-123", p.token]) expect(log).not.toContain(secret);
  });

  it("allows five sign-in attempts per link per 15 minutes, then answers 429 with when to retry", async () => {
    const p = await world.addParticipant(`carol-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    for (let i = 0; i < 5; i += 1) expect((await signIn(browser, p.token, p.email, `nope-${i}-xxxx`)).status).toBe(422);
    const blocked = await signIn(browser, p.token, p.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("900");
    expect(await blocked.text()).toContain("try again in 15 minutes");
    expect(await world.status(p.id)).toBe("needs-weconnect-signin");
    world.clock.now = new Date(world.clock.now.getTime() + 15 * 60_000);
    expect((await signIn(browser, p.token, p.email, PASSWORD)).status).toBe(303);
  });

  it("says to try again in a few minutes when WEconnect is down", async () => {
    const p = await world.addParticipant(`dave-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    const form = await browser.get(`/p/${p.token}/weconnect`);
    // Slower than the client's 1 s timeout: the same answer as a WEconnect that is down.
    world.weconnectSim.setDelay(1_500);
    const res = await browser.post(`/p/${p.token}/weconnect`, { _csrf: csrfFrom(await form.text()), email: p.email, password: PASSWORD }).finally(() => world.weconnectSim.setDelay(0));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("try again in a few minutes");
  });

  it("connects Google Health through the consent page and shows the done page with today's plan", async () => {
    const p = await world.addParticipant(`erin-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    expect((await signIn(browser, p.token, p.email, PASSWORD)).status).toBe(303);
    const consentPage = await (await browser.get(`/p/${p.token}`)).text();
    expect(consentPage).toContain("Connect Google Health");
    const back = await consentThroughSimulator(world, browser, p.token, `erin-${dialect}`);
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(`/p/${p.token}`);
    expect(await world.status(p.id)).toBe("active");
    const done = await (await browser.get(`/p/${p.token}`)).text();
    expect(done).toContain("You are all set, Erin");
    expect(done).toContain("Morning meeting");
    expect(done).toContain("Evening walk");
    expect(done).toContain("1 of 2 activities checked in");
    const steps = world.googleSteps(`erin-${dialect}`, "2026-11-30");
    expect(steps).toBeGreaterThan(0);
    expect(done).toContain(`${steps!.toLocaleString("en-US")} steps`);
    expect(done).not.toContain("@example.org\"");
    const log = world.logs.text();
    expect(log).not.toContain(p.token);
    expect(log).not.toMatch(/code=|code_verifier|access_token/);
  });

  it("stores nothing for a replayed callback or one with a foreign state", async () => {
    const p = await world.addParticipant(`frank-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    await signIn(browser, p.token, p.email, PASSWORD);
    world.googleSim.state.oauth.autoApprove.userId = `frank-${dialect}`;
    const start = await browser.get(`/p/${p.token}/connect`);
    const approved = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = new URL(approved.headers.get("location")!);
    const foreign = new URL(callback);
    foreign.searchParams.set("state", "someone-elses-state");
    const foreignRes = await browser.get(foreign.toString());
    expect(foreignRes.status).toBe(400);
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
    // The cookie was spent by the first callback: the real one replayed now finds nothing.
    const replay = await browser.get(callback.toString());
    expect(replay.status).toBe(400);
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
    // Another browser (no cookie) with a valid callback: nothing either.
    const stranger = await newBrowser(world.app, world.publicUrl).get(callback.toString());
    expect(stranger.status).toBe(400);
  });

  it("explains a Cancel on the consent page and offers to try again, which then works", async () => {
    const p = await world.addParticipant(`gina-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    await signIn(browser, p.token, p.email, PASSWORD);
    const start = await browser.get(`/p/${p.token}/connect`);
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const denied = await browser.get(`/oauth/callback?error=access_denied&state=${encodeURIComponent(state)}`);
    const html = await denied.text();
    expect(denied.status).toBe(400);
    expect(html).toContain("You chose not to allow access");
    expect(html).toContain(`href="/p/${p.token}/connect"`);
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
    expect((await consentThroughSimulator(world, browser, p.token, `gina-${dialect}`)).status).toBe(303);
    expect(await world.status(p.id)).toBe("active");
  });

  it("names the permission a participant unticked and stores nothing", async () => {
    const p = await world.addParticipant(`hank-${dialect}`);
    const browser = newBrowser(world.app, world.publicUrl);
    await signIn(browser, p.token, p.email, PASSWORD);
    world.googleSim.state.oauth.autoApprove.scopes = [];
    try {
      const res = await consentThroughSimulator(world, browser, p.token, `hank-${dialect}`);
      const html = await res.text();
      expect(res.status).toBe(400);
      expect(html).toContain("Some permissions were left unticked");
      expect(html).toMatch(/<li>https:\/\/www\.googleapis\.com\/auth\/[^<]+<\/li>/);
    } finally {
      world.googleSim.state.oauth.autoApprove.scopes = null;
    }
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
  });

  it("sends a participant whose WEconnect sign-in expired straight to the sign-in form, and only there", async () => {
    const p = await world.addParticipant(`jon-${dialect}`, "needs-weconnect-signin", { linkedLegacy: true });
    await setWeconnectAccountStatus(world.runtime.db.db, p.id, "reauth-required");
    await updateParticipant(world.runtime.db.db, p.id, { status: "needs-weconnect-signin" });
    const browser = newBrowser(world.app, world.publicUrl);
    const open = await browser.get(`/p/${p.token}`);
    expect(open.status).toBe(303);
    expect(open.headers.get("location")).toBe(`/p/${p.token}/weconnect`);
    const form = await (await browser.get(`/p/${p.token}/weconnect`)).text();
    expect(form).toContain("Your WEconnect sign-in has expired");
    expect(form).not.toContain("Step 2 of 3");
    // Once signed in, the legacy tracker still works, so the participant is done (no consent step).
    expect((await browser.post(`/p/${p.token}/weconnect`, { _csrf: csrfFrom(form), email: p.email, password: PASSWORD })).status).toBe(303);
    expect(await world.status(p.id)).toBe("active");
  });

  it("moves a legacy-Fitbit participant to Google Health through the same link", async () => {
    const p = await world.addParticipant(`ivy-${dialect}`, "needs-google-health", { linkedLegacy: true });
    const browser = newBrowser(world.app, world.publicUrl);
    const page = await (await browser.get(`/p/${p.token}`)).text();
    expect(page).toContain("switched off the old connection");
    expect((await consentThroughSimulator(world, browser, p.token, `ivy-${dialect}`)).status).toBe(303);
    expect(await world.status(p.id)).toBe("active");
    const done = await (await browser.get(`/p/${p.token}`)).text();
    expect(done).toContain("Your check-ins now show as steps on Google Health");
    const steps = world.googleSteps(`ivy-${dialect}`, "2026-11-30");
    expect(steps).toBeGreaterThan(0);
    expect(done).toContain(`${steps!.toLocaleString("en-US")} steps`);
  });
});
