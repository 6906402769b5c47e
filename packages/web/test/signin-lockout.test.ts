// The dashboard sign-in limit over real HTTP behind a trusted proxy: someone who knows a
// coordinator's e-mail and guesses from one address locks out that address only; the coordinator
// signs in from theirs. The full rule (pair, address, account-wide) is tested in core.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { addCoordinator } from "@powertoken/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebApp, toNodeListener } from "../src/index.js";
import { COORDINATOR_PASSWORD } from "./helpers/dashboard.js";
import { DIALECTS, csrfFrom, startWebWorld, type WebWorld } from "./helpers/web-world.js";

describe.each(DIALECTS)("dashboard sign-in lockout on %s", (dialect) => {
  let world: WebWorld;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    world = await startWebWorld(dialect);
    const app = createWebApp({ runtime: world.runtime, publicUrl: world.publicUrl, studyName: "S", contact: "c@example.org", log: world.logs, trustProxy: true });
    server = createServer(toNodeListener(app));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    await world?.close();
  });

  /** One sign-in through the form, as a client the proxy saw at `address`. */
  async function signIn(address: string, email: string, password: string): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const form = await fetch(`${base}/admin/signin`, { headers: { "x-forwarded-for": address } });
    const cookie = form.headers.getSetCookie().map((line) => line.split(";")[0]!).join("; ");
    const res = await fetch(`${base}/admin/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: world.publicUrl, cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
      body: new URLSearchParams({ _csrf: csrfFrom(await form.text()), email, password, next: "/admin" }),
    });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after") };
  }

  it("locks out the guesser's address, not the coordinator, who signs in from their own", async () => {
    const email = `owner-${dialect}@example.org`;
    await addCoordinator(world.runtime, { email, role: "admin", password: COORDINATOR_PASSWORD });
    const unknown = await signIn("203.0.113.67", `nobody-${dialect}@example.org`, "wrong-password-123");
    const wrong = await signIn("203.0.113.66", email, "wrong-password-123");
    // One page for a wrong password and an unknown e-mail: no account enumeration.
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.text.replace(/name="_csrf" value="[^"]+"|value="[^"]*@example\.org"/g, "")).toBe(unknown.text.replace(/name="_csrf" value="[^"]+"|value="[^"]*@example\.org"/g, ""));
    for (let i = 0; i < 4; i++) expect((await signIn("203.0.113.66", email, "wrong-password-123")).status).toBe(401);
    // The guesser's address is out, even with the right password...
    const locked = await signIn("203.0.113.66", email, COORDINATOR_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    // ...the coordinator's is not.
    expect((await signIn("198.51.100.7", email, COORDINATOR_PASSWORD)).status).toBe(303);
    expect(world.logs.text()).not.toContain("wrong-password-123");
    expect(world.logs.text()).not.toContain(COORDINATOR_PASSWORD);
  });
});
