// What the dashboard and the invite pages do with bad or unexpected input (the abuse-test
// defects: number forms, unaudited settings, export and log filters, one WEconnect account
// signed in on several participants' links).
import { findParticipantById, listAudit, loadWeconnectAccount, updateParticipant } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeParticipant, csrfOf, signedInAs, type TestBrowser } from "./helpers/dashboard.js";
import { DIALECTS, PASSWORD, csrfFrom, newBrowser, startWebWorld, type WebWorld } from "./helpers/web-world.js";

type Browser = ReturnType<typeof newBrowser>;

async function weconnectSignIn(browser: Browser, token: string, email: string, password: string): Promise<Response> {
  const form = await browser.get(`/p/${token}/weconnect`);
  return browser.post(`/p/${token}/weconnect`, { _csrf: csrfFrom(await form.text()), email, password });
}

describe.each(DIALECTS)("bad input to the dashboard and the invite pages on %s", (dialect) => {
  let world: WebWorld;
  let admin: TestBrowser;
  let cleo: { id: number; token: string };

  beforeAll(async () => {
    world = await startWebWorld(dialect);
    admin = await signedInAs(world, "pi@example.org", "admin");
    cleo = await activeParticipant(world, `cleo-${dialect}`);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("refuses a goal that is not a whole number written in digits, with a message, and changes nothing", async () => {
    const path = `/admin/participants/${cleo.id}/settings`;
    for (const goalSteps of ["", "0x10", "0b11", "0o7", "1e3", " 5", "5 ", "+5", "-5", "1.5", "1000001", "99999999"]) {
      const res = await admin.post(path, { _csrf: await csrfOf(admin), mapping: "tally", goalSteps });
      expect(res.status, JSON.stringify(goalSteps)).toBe(400);
      expect(await res.text()).toContain("whole number of steps from 0 to 1,000,000, written in digits only");
    }
    const bad = await admin.post(path, { _csrf: await csrfOf(admin), mapping: "nope", goalSteps: "100" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Choose a mapping: one of seed, plan, weight, tally, charge.");
    expect(await findParticipantById(world.runtime.db.db, cleo.id)).toMatchObject({ mapping: "plan", goalSteps: 10_000 });
    // Digits still work, 0 and the top of the range included.
    expect((await admin.post(path, { _csrf: await csrfOf(admin), mapping: "plan", goalSteps: "0" })).status).toBe(303);
    expect((await admin.post(path, { _csrf: await csrfOf(admin), mapping: "plan", goalSteps: "1000000" })).status).toBe(303);
    expect(await findParticipantById(world.runtime.db.db, cleo.id)).toMatchObject({ goalSteps: 1_000_000 });
  });

  it("audits a settings change from the dashboard: who, and each field from → to", async () => {
    const dana = await activeParticipant(world, `dana-${dialect}`);
    const res = await admin.post(`/admin/participants/${dana.id}/settings`, { _csrf: await csrfOf(admin), mapping: "tally", goalSteps: "12000" });
    expect(res.status).toBe(303);
    const audit = await listAudit(world.runtime.db.db, { participantId: dana.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "participant-settings-changed", outcome: "ok", participantName: `dana-${dialect}` });
    expect(audit[0]!.detail).toMatch(/^mapping plan → tally; goal 10000 → 12000 steps; by coordinator \d+ from the dashboard$/);
    // The same values again change nothing and add no row; the audit page shows the change.
    await admin.post(`/admin/participants/${dana.id}/settings`, { _csrf: await csrfOf(admin), mapping: "tally", goalSteps: "12000" });
    expect(await listAudit(world.runtime.db.db, { participantId: dana.id })).toHaveLength(1);
    expect(await (await admin.get(`/admin/audit?participant=${dana.id}`)).text()).toContain("goal 10000 → 12000 steps");
  });

  it("refuses an export with a day that is not on the calendar, or a participant id that is bad or unknown", async () => {
    for (const query of ["since=2026-02-30&until=2026-03-01", "since=2026-02-01&until=2026-02-29", "since=2026-11-01&until=2026-13-01"]) {
      const res = await admin.get(`/admin/export.csv?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text()).toContain("days of the calendar written YYYY-MM-DD");
    }
    for (const participant of ["abc", "0", "-1", "0x10", "1e3", "1.5"]) {
      const res = await admin.get(`/admin/export.csv?since=2026-11-01&until=2026-12-01&participant=${encodeURIComponent(participant)}`);
      expect(res.status, participant).toBe(400);
      expect(await res.text()).toContain("participant must be a participant id");
    }
    const unknown = await admin.get("/admin/export.csv?since=2026-11-01&until=2026-12-01&participant=999999");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("There is no participant with id 999999");
    // A good request still streams the one participant's rows; a leap day is a day.
    const one = await admin.get(`/admin/export.csv?since=2024-02-29&until=2026-12-01&participant=${cleo.id}`);
    expect(one.status).toBe(200);
    expect(one.headers.get("content-disposition")).toContain(`powertoken-days-p${cleo.id}-2024-02-29-to-2026-12-01-`);
  });

  it("shows the audit and errors pages with an impossible date filter left out and named, never a 500", async () => {
    const cases: [string, string][] = [
      ["/admin/audit?since=2026-13-45", 'From "2026-13-45" is not a day of the calendar'],
      ["/admin/audit?until=2026-13-45", 'Before "2026-13-45" is not a day of the calendar'],
      ["/admin/audit?since=2026-02-30", 'From "2026-02-30" is not a day of the calendar'],
      ["/admin/errors?since=9999-99-99", 'From "9999-99-99" is not a day of the calendar'],
      ["/admin/audit?participant=abc", 'Participant "abc" is not a participant id'],
    ];
    for (const [path, note] of cases) {
      const res = await admin.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain(note.replaceAll('"', "&quot;"));
      expect(html).toContain("it was ignored.");
    }
    // A good filter shows no note, and the note's value is escaped.
    expect(await (await admin.get("/admin/audit?since=2026-11-01&until=2026-12-01")).text()).not.toContain("it was ignored.");
    expect(await (await admin.get("/admin/errors?since=%3Cb%3E")).text()).toContain("&quot;&lt;b&gt;&quot;");
  });

  it("refuses a WEconnect account that is already linked to another enrolled participant, and keeps relinking one's own", async () => {
    const owner = await world.addParticipant(`eli-${dialect}`);
    const other = await world.addParticipant(`fay-${dialect}`);
    const ownerEmail = `eli-${dialect}@example.org`;
    expect((await weconnectSignIn(newBrowser(world.app, world.publicUrl), owner.token, ownerEmail, PASSWORD)).status).toBe(303);

    const refused = await weconnectSignIn(newBrowser(world.app, world.publicUrl), other.token, ownerEmail, PASSWORD);
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain("This WEconnect account is already in use");
    expect(html).toContain("study-team@example.org");
    expect(html).not.toContain(`eli-${dialect}`); // whose account it is stays private
    expect(await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, other.id)).toBeNull();
    expect(await world.status(other.id)).toBe("needs-weconnect-signin");
    expect(world.logs.text()).toContain("WECONNECT_ACCOUNT_IN_USE");

    // Their own account still links.
    expect((await weconnectSignIn(newBrowser(world.app, world.publicUrl), other.token, `fay-${dialect}@example.org`, PASSWORD)).status).toBe(303);
    expect((await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, other.id))?.personId).toBe(String(other.personId));
  });

  it("lets a participant sign in again with their own account after it expired, and frees an ended participant's account", async () => {
    const gus = await world.addParticipant(`gus-${dialect}`);
    const email = `gus-${dialect}@example.org`;
    expect((await weconnectSignIn(newBrowser(world.app, world.publicUrl), gus.token, email, PASSWORD)).status).toBe(303);
    // Relink the same participant: allowed.
    await updateParticipant(world.runtime.db.db, gus.id, { status: "needs-weconnect-signin" });
    expect((await weconnectSignIn(newBrowser(world.app, world.publicUrl), gus.token, email, PASSWORD)).status).toBe(303);
    // Once gus has ended, a new participant may use that account.
    await updateParticipant(world.runtime.db.db, gus.id, { status: "ended" });
    const hal = await world.addParticipant(`hal-${dialect}`);
    expect((await weconnectSignIn(newBrowser(world.app, world.publicUrl), hal.token, email, PASSWORD)).status).toBe(303);
    expect((await loadWeconnectAccount(world.runtime.db.db, world.runtime.db.keys, hal.id))?.personId).toBe(String(gus.personId));
  });
});
