// Dashboard test helpers: coordinators who sign in through the real form, and active
// participants linked to the simulators (WEconnect + Google Health) so a poll writes a day.
import { addCoordinator } from "@powertoken/core";
import { saveTrackerAccount, saveWeconnectAccount, updateParticipant } from "@powertoken/db";
import { csrfFrom, newBrowser, type WebWorld } from "./web-world.js";

export const COORDINATOR_PASSWORD = "correct-staple-horse-42";

export type TestBrowser = ReturnType<typeof newBrowser>;

/** Creates a coordinator and signs them in through GET + POST /admin/signin. */
export async function signedInAs(world: WebWorld, email: string, role: "admin" | "viewer"): Promise<TestBrowser> {
  await addCoordinator(world.runtime, { email, role, password: COORDINATOR_PASSWORD });
  const browser = newBrowser(world.app, world.publicUrl);
  const res = await signIn(browser, email, COORDINATOR_PASSWORD);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return browser;
}

/** Posts the sign-in form with this browser's CSRF token. */
export async function signIn(browser: TestBrowser, email: string, password: string): Promise<Response> {
  const form = await browser.get("/admin/signin");
  return browser.post("/admin/signin", { _csrf: csrfFrom(await form.text()), email, password, next: "/admin" });
}

/** The CSRF token of a page the browser is allowed to see. */
export async function csrfOf(browser: TestBrowser, path = "/admin"): Promise<string> {
  return csrfFrom(await (await browser.get(path)).text());
}

/** An active participant with WEconnect and Google Health linked on the simulators. */
export async function activeParticipant(world: WebWorld, name: string, options: { enrollmentStart?: string } = {}): Promise<{ id: number; token: string }> {
  const p = await world.addParticipant(name, "needs-weconnect-signin", options);
  const { db, keys } = world.runtime.db;
  const now = world.clock.now;
  await saveWeconnectAccount(db, keys, { participantId: p.id, personId: String(p.personId), accessToken: world.weconnectSim.state.issueToken(p.personId), tokenExpiresAt: null, now });
  const tokens = world.googleSim.state.issueTokens(name);
  await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes, now });
  await updateParticipant(db, p.id, { status: "active", now });
  return { id: p.id, token: p.token };
}
