import { pollParticipantNow } from "@powertoken/core";
import { findParticipantById, listAudit } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeParticipant, csrfOf, signedInAs, type TestBrowser } from "./helpers/dashboard.js";
import { DIALECTS, startWebWorld, type WebWorld } from "./helpers/web-world.js";

describe.each(DIALECTS)("pausing a participant from the dashboard on %s", (dialect) => {
  let world: WebWorld;
  let admin: TestBrowser;
  let viewer: TestBrowser;
  let bea: { id: number; token: string };

  beforeAll(async () => {
    world = await startWebWorld(dialect);
    admin = await signedInAs(world, "pi@example.org", "admin");
    viewer = await signedInAs(world, "nurse@example.org", "viewer");
    bea = await activeParticipant(world, `bea-${dialect}`);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("refuses a viewer's pause and resume with 403 and changes nothing", async () => {
    const csrf = await csrfOf(viewer);
    expect((await viewer.post(`/admin/participants/${bea.id}/pause`, { _csrf: csrf })).status).toBe(403);
    expect((await viewer.post(`/admin/participants/${bea.id}/resume`, { _csrf: csrf })).status).toBe(403);
    expect((await findParticipantById(world.runtime.db.db, bea.id))?.pausedAt).toBeNull();
  });

  it("refuses an admin's pause without the CSRF token", async () => {
    const res = await admin.post(`/admin/participants/${bea.id}/pause`, {});
    expect(res.status).toBe(403);
    expect((await findParticipantById(world.runtime.db.db, bea.id))?.pausedAt).toBeNull();
  });

  it("lets an admin pause (shown on the page and the overview, not polled) and resume", async () => {
    const before = await (await admin.get(`/admin/participants/${bea.id}`)).text();
    expect(before).toContain(`action="/admin/participants/${bea.id}/pause"`);

    const paused = await admin.post(`/admin/participants/${bea.id}/pause`, { _csrf: await csrfOf(admin) });
    expect(paused.status).toBe(303);
    expect(paused.headers.get("location")).toBe(`/admin/participants/${bea.id}?done=paused`);
    const page = await (await admin.get(`/admin/participants/${bea.id}?done=paused`)).text();
    expect(page).toContain("Paused: neither polled nor maintained until resumed.");
    expect(page).toContain(`action="/admin/participants/${bea.id}/resume"`);
    expect(page).toContain(">paused</span>");
    const overview = await (await admin.get(`/admin?q=bea-${dialect}`)).text();
    expect(overview).toMatch(/state-active">active<\/span> <span class="badge state-ended"[^>]*>paused<\/span>/);
    expect(await pollParticipantNow(world.runtime, bea.id)).toMatchObject({ outcome: "skipped", code: "PAUSED" });

    const resumed = await admin.post(`/admin/participants/${bea.id}/resume`, { _csrf: await csrfOf(admin) });
    expect(resumed.headers.get("location")).toBe(`/admin/participants/${bea.id}?done=resumed`);
    const after = await findParticipantById(world.runtime.db.db, bea.id);
    expect(after).toMatchObject({ status: "active", pausedAt: null });
    expect((await listAudit(world.runtime.db.db, { participantId: bea.id, actions: ["participant-paused", "participant-resumed"] })).map((a) => a.action)).toEqual(["participant-resumed", "participant-paused"]);
    expect(await (await admin.get(`/admin/participants/${bea.id}`)).text()).toContain(`action="/admin/participants/${bea.id}/pause"`);
  });
});
