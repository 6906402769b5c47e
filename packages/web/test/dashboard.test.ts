import { pollParticipantNow, removeCoordinator } from "@powertoken/core";
import { createParticipant, findParticipantById } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COORDINATOR_PASSWORD, activeParticipant, csrfOf, signIn, signedInAs, type TestBrowser } from "./helpers/dashboard.js";
import { DIALECTS, newBrowser, startWebWorld, type WebWorld } from "./helpers/web-world.js";

describe.each(DIALECTS)("the study team's dashboard on %s", (dialect) => {
  let world: WebWorld;
  let admin: TestBrowser;
  let viewer: TestBrowser;
  let alice: { id: number; token: string };

  beforeAll(async () => {
    world = await startWebWorld(dialect);
    admin = await signedInAs(world, "pi@example.org", "admin");
    viewer = await signedInAs(world, "nurse@example.org", "viewer");
    alice = await activeParticipant(world, `alice-${dialect}`);
    const outcome = await pollParticipantNow(world.runtime, alice.id);
    expect(outcome.outcome).toBe("written");
  });
  afterAll(async () => {
    await world?.close();
  });

  it("sends signed-out pages to the sign-in page and answers signed-out downloads and POSTs with 401", async () => {
    const anon = newBrowser(world.app, world.publicUrl);
    for (const path of ["/admin", `/admin/participants/${alice.id}`, "/admin/audit?page=2", "/admin/errors", "/admin/attention"]) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe(`/admin/signin?next=${encodeURIComponent(path)}`);
    }
    expect((await anon.get("/admin/export.csv?since=2026-11-01&until=2026-11-30")).status).toBe(401);
    const csrf = await csrfOf(anon, "/admin/signin");
    expect((await anon.post(`/admin/participants/${alice.id}/poll`, { _csrf: csrf })).status).toBe(401);
  });

  it("signs an admin in with a Strict, HttpOnly, Secure __Host- session cookie and goes back where they were going", async () => {
    const browser = newBrowser(world.app, world.publicUrl);
    const form = await browser.get(`/admin/signin?next=${encodeURIComponent("/admin/audit")}`);
    const html = await form.text();
    expect(html).toContain('name="next" value="/admin/audit"');
    const res = await browser.post("/admin/signin", { _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]!, email: "PI@example.org ", password: COORDINATOR_PASSWORD, next: "/admin/audit" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/audit");
    const cookie = browser.setCookies.find((line) => line.startsWith("__Host-pt_admin="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
  });

  it("never redirects a sign-in off the dashboard", async () => {
    const browser = newBrowser(world.app, world.publicUrl);
    const form = await browser.get("/admin/signin?next=//evil.example/x");
    expect(await form.text()).toContain('name="next" value="/admin"');
  });

  it("answers a wrong password with one generic message, then locks this address out of the account with a retry time, and logs no password", async () => {
    const browser = newBrowser(world.app, world.publicUrl);
    const wrongEmail = await signIn(browser, "nobody@example.org", "wrong-password-123");
    const wrongPassword = await signIn(browser, "pi@example.org", "wrong-password-123");
    expect(wrongEmail.status).toBe(401);
    expect(wrongPassword.status).toBe(401);
    const a = await wrongEmail.text();
    const b = await wrongPassword.text();
    expect(a).toContain("That e-mail and password do not match an account.");
    expect(b).toContain("That e-mail and password do not match an account.");
    for (let i = 0; i < 4; i++) await signIn(browser, "pi@example.org", "wrong-password-123");
    const locked = await signIn(browser, "pi@example.org", COORDINATOR_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await locked.text()).toMatch(/Too many failed sign-ins\. Try again after \d\d:\d\d UTC/);
    expect(world.logs.text()).not.toContain("wrong-password-123");
    expect(world.logs.text()).not.toContain(COORDINATOR_PASSWORD);
    // The lock lifts when the window has passed.
    world.clock.now = new Date(world.clock.now.getTime() + 16 * 60_000);
    expect((await signIn(browser, "pi@example.org", COORDINATOR_PASSWORD)).status).toBe(303);
    world.clock.now = new Date(world.clock.now.getTime() - 16 * 60_000);
  });

  it("shows the overview: counts by state, both jobs, open alerts and the participants table", async () => {
    const res = await admin.get("/admin");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("Participants by state");
    expect(html).toContain(`href="/admin/participants/${alice.id}"`);
    expect(html).toMatch(/Poll<\/strong>/);
    expect(html).toMatch(/Maintenance<\/strong>/);
    expect(html).toContain("Open alerts");
    // No job run is recorded in this world, so both jobs show red.
    expect(html.match(/<li class="job stale">/g)).toHaveLength(2);
    expect(html).toContain('<span class="badge bad">not running</span>');
    expect(html).not.toMatch(/<script|style=|\son[a-z]+=/i);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("filters and pages the participants table in SQL (search, states, page)", async () => {
    for (let i = 0; i < 60; i++) {
      await createParticipant(world.runtime.db.db, { name: `bulk-${String(i).padStart(3, "0")}`, timeZone: "UTC", enrollmentStart: "2026-11-30", status: i % 3 === 0 ? "ended" : "needs-tracker-consent", now: world.clock.now });
    }
    const first = await (await admin.get("/admin?q=bulk-")).text();
    expect(first).toContain("1–50 of 60");
    expect(first).toContain("bulk-000");
    expect(first).not.toContain("bulk-050");
    expect(first).toContain('href="/admin?q=bulk-&amp;page=2"');
    const second = await (await admin.get("/admin?q=bulk-&page=2")).text();
    expect(second).toContain("51–60 of 60");
    expect(second).toContain("bulk-059");
    const ended = await (await admin.get("/admin?q=bulk-&state=ended")).text();
    expect(ended).toContain("1–20 of 20");
    expect(ended).not.toContain("bulk-001<");
    const none = await (await admin.get("/admin?q=nobody-at-all")).text();
    expect(none).toContain("No participant matches.");
  });

  it("shows a participant: facts, today's events, the day chart with its table, audit and errors, and admin actions", async () => {
    const html = await (await admin.get(`/admin/participants/${alice.id}`)).text();
    expect(html).toContain(`alice-${dialect}`);
    expect(html).toContain("Morning meeting");
    expect(html).toMatch(/<svg viewBox="0 0 960 \d+" role="img" aria-labelledby="chart-title chart-desc">/);
    expect(html).toContain("<summary>Every day as a table</summary>");
    expect(html).toContain("<td>2026-11-30</td>");
    expect(html).toContain("Recent audit entries");
    expect(html).toContain(`action="/admin/participants/${alice.id}/link"`);
    expect(html).toContain(`action="/admin/participants/${alice.id}/settings"`);
    expect((await admin.get("/admin/participants/999999")).status).toBe(404);
  });

  it("shows viewers everything without a single action form, and refuses their POSTs with 403", async () => {
    const page = await (await viewer.get(`/admin/participants/${alice.id}`)).text();
    expect(page).toContain(`alice-${dialect}`);
    expect(page).not.toContain(`/admin/participants/${alice.id}/link`);
    expect(page).not.toContain(`/admin/participants/${alice.id}/remove`);
    expect(page).not.toContain('method="post" action="/admin/participants');
    const csrf = await csrfOf(viewer);
    for (const action of ["link", "poll", "settings", "remove"]) {
      const res = await viewer.post(`/admin/participants/${alice.id}/${action}`, { _csrf: csrf, mapping: "seed", goalSteps: "5" });
      expect(res.status, action).toBe(403);
    }
    expect((await viewer.post("/admin/attention/links.csv", { _csrf: csrf, days: "3" })).status).toBe(403);
    const after = await findParticipantById(world.runtime.db.db, alice.id);
    expect(after?.mapping).toBe("plan");
    expect(after?.status).toBe("active");
  });

  it("refuses an admin's POST without the CSRF token, or from another origin", async () => {
    const csrf = await csrfOf(admin);
    expect((await admin.post(`/admin/participants/${alice.id}/settings`, { mapping: "seed", goalSteps: "5" })).status).toBe(403);
    const foreign = await admin.request(`/admin/participants/${alice.id}/settings`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf, mapping: "seed", goalSteps: "5" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await findParticipantById(world.runtime.db.db, alice.id))?.mapping).toBe("plan");
  });

  it("changes the mapping and goal, and polls now", async () => {
    const csrf = await csrfOf(admin);
    const saved = await admin.post(`/admin/participants/${alice.id}/settings`, { _csrf: csrf, mapping: "weight", goalSteps: "8000" });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/admin/participants/${alice.id}?done=saved`);
    const after = await findParticipantById(world.runtime.db.db, alice.id);
    expect(after?.mapping).toBe("weight");
    expect(after?.goalSteps).toBe(8000);
    expect((await admin.post(`/admin/participants/${alice.id}/settings`, { _csrf: csrf, mapping: "nonsense", goalSteps: "1" })).status).toBe(400);
    const polled = await admin.post(`/admin/participants/${alice.id}/poll`, { _csrf: csrf });
    expect(polled.headers.get("location")).toBe(`/admin/participants/${alice.id}?done=polled`);
    expect(await (await admin.get(polled.headers.get("location")!)).text()).toContain("Polled.");
  });

  it("makes a reconnect link with a copyable URL and a server-drawn QR code, and the link works", async () => {
    const csrf = await csrfOf(admin);
    const res = await admin.post(`/admin/participants/${alice.id}/link`, { _csrf: csrf });
    const html = await res.text();
    expect(res.status).toBe(200);
    const url = /id="link" type="text" readonly="" value="([^"]+)"/.exec(html)?.[1];
    expect(url).toMatch(new RegExp(`^${world.publicUrl}/p/[A-Za-z0-9_-]{43}$`));
    expect(html).toMatch(/<svg class="qr" role="img" aria-label="QR code of the link for alice-[a-z]+"/);
    expect(html).not.toMatch(/<script|style=/i);
    expect((await newBrowser(world.app, world.publicUrl).get(new URL(url!).pathname)).status).toBe(200);
    expect(world.logs.text()).not.toContain(new URL(url!).pathname.slice(3));
  });

  it("streams the day table as CSV for the study or one participant", async () => {
    const res = await admin.get(`/admin/export.csv?since=2026-11-01&until=2026-11-30&participant=${alice.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="powertoken-days-p\d+-2026-11-01-to-2026-11-30-/);
    const text = await res.text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("participant,date,planned,checked_in,progress,steps_shown,write_state");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^alice-${dialect},2026-11-30,2,1,`));
    expect((await admin.get("/admin/export.csv?since=2026-12-01&until=2026-11-01")).status).toBe(400);
    expect((await viewer.get("/admin/export.csv?since=2026-11-01&until=2026-11-30")).status).toBe(200);
  });

  it("lists who needs attention and makes their links as a mail-merge CSV", async () => {
    const page = await (await admin.get("/admin/attention")).text();
    expect(page).toContain("bulk-001");
    expect(page).toContain("never connected a tracker");
    expect(page).toContain("Re-consent campaign");
    const res = await admin.post("/admin/attention/links.csv", { _csrf: await csrfOf(admin), days: "3" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="powertoken-links-/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("participant_id,name,link,expires_at,reasons");
    expect(lines.length).toBeGreaterThan(10);
    expect(lines[1]).toMatch(new RegExp(`,${world.publicUrl}/p/[A-Za-z0-9_-]{43},`));
  });

  it("filters and pages the audit log and the errors", async () => {
    const audit = await (await admin.get(`/admin/audit?participant=${alice.id}`)).text();
    expect(audit).toContain("Audit log");
    expect(audit).toMatch(/1–\d+ of \d+/);
    expect(audit).toContain(`alice-${dialect}`);
    const empty = await (await admin.get(`/admin/audit?participant=${alice.id}&since=2030-01-01`)).text();
    expect(empty).toContain("No entries.");
    const errors = await admin.get("/admin/errors?code=NOPE&page=abc");
    expect(errors.status).toBe(200);
    expect(await errors.text()).toContain("No errors.");
  });

  it("removes a participant only after a confirmation page", async () => {
    const bob = await activeParticipant(world, `bob-${dialect}`);
    const confirm = await (await admin.get(`/admin/participants/${bob.id}/remove`)).text();
    expect(confirm).toContain(`Remove bob-${dialect}?`);
    const res = await admin.post(`/admin/participants/${bob.id}/remove`, { _csrf: await csrfOf(admin) });
    expect(res.status).toBe(303);
    expect(await findParticipantById(world.runtime.db.db, bob.id)).toBeNull();
  });

  it("ends the session on sign-out, and a removed coordinator's session dies", async () => {
    const leaving = await signedInAs(world, `leaving-${dialect}@example.org`, "admin");
    expect((await leaving.get("/admin")).status).toBe(200);
    const stolen = leaving.jar.get("__Host-pt_admin")!;
    const out = await leaving.post("/admin/signout", { _csrf: await csrfOf(leaving) });
    expect(out.status).toBe(303);
    const replay = newBrowser(world.app, world.publicUrl);
    replay.jar.set("__Host-pt_admin", stolen);
    expect((await replay.get("/admin")).status).toBe(303);
    expect(world.logs.text()).not.toContain(stolen);

    const removed = await signedInAs(world, `removed-${dialect}@example.org`, "admin");
    expect((await removed.get("/admin")).status).toBe(200);
    await removeCoordinator(world.runtime, `removed-${dialect}@example.org`);
    const res = await removed.get("/admin");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/admin\/signin/);
  });
});
