// Fetch metadata on POSTs, over real HTTP (node:http, so no client adds or drops a header): a
// POST whose browser says `Sec-Fetch-Site: cross-site` is refused like a foreign Origin even when
// it carries no Origin and a valid CSRF token; our own pages' POSTs still pass.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeListener } from "../src/index.js";
import { csrfOf, signedInAs, type TestBrowser } from "./helpers/dashboard.js";
import { DIALECTS, csrfFrom, startWebWorld, type WebWorld } from "./helpers/web-world.js";

type Answer = { status: number; location: string | undefined; text: string };

function send(port: number, method: "GET" | "POST", path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, headers }, (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const cookieOf = (browser: TestBrowser) => [...browser.jar].map(([k, v]) => `${k}=${v}`).join("; ");

describe.each(DIALECTS)("Sec-Fetch-Site on POSTs on %s", (dialect) => {
  let world: WebWorld;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    world = await startWebWorld(dialect);
    server = createServer(toNodeListener(world.app));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    await world?.close();
  });

  const signOut = (cookie: string, token: string, headers: Record<string, string>) =>
    send(port, "POST", "/admin/signout", { cookie, "content-type": "application/x-www-form-urlencoded", ...headers }, new URLSearchParams({ _csrf: token }).toString());

  it("refuses a cross-site POST with a valid token and no Origin with the foreign Origin's 403, and changes nothing", async () => {
    const admin = await signedInAs(world, `fetch-site-${dialect}@example.org`, "admin");
    const cookie = cookieOf(admin);
    const token = await csrfOf(admin, "/admin");
    const foreign = await signOut(cookie, token, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const refusals = [
      await signOut(cookie, token, { "sec-fetch-site": "cross-site" }),
      await signOut(cookie, token, { "sec-fetch-site": "Cross-Site " }),
      // A sibling subdomain: the Origin rule trusts our origin only, so no Origin is no pass.
      await signOut(cookie, token, { "sec-fetch-site": "same-site" }),
      await signOut(cookie, token, { "sec-fetch-site": "same-site", origin: "https://other.example.org" }),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect(res.text).toBe(foreign.text);
      expect(res.text).toContain("Nothing was changed.");
    }
    // The session was not signed out by any of them.
    expect((await send(port, "GET", "/admin", { cookie })).status).toBe(200);
  });

  it("still takes our own pages' POSTs: same-origin, same-site with our Origin, none, and no Sec-Fetch-Site", async () => {
    const anonymous = await fetch(`http://127.0.0.1:${port}/admin/signin`);
    const cookie = anonymous.headers.getSetCookie().map((line) => line.split(";")[0]!).join("; ");
    const token = csrfFrom(await anonymous.text());
    const passing: Record<string, string>[] = [
      { "sec-fetch-site": "same-origin", origin: world.publicUrl },
      { "sec-fetch-site": "same-site", origin: world.publicUrl },
      { "sec-fetch-site": "none" },
      { origin: world.publicUrl },
      {},
    ];
    for (const headers of passing) {
      const res = await signOut(cookie, token, headers);
      expect(res.status, JSON.stringify(headers)).toBe(303);
      expect(res.location).toBe("/admin/signin");
    }
    const admin = await signedInAs(world, `fetch-site-own-${dialect}@example.org`, "admin");
    const session = cookieOf(admin);
    const res = await signOut(session, await csrfOf(admin, "/admin"), { "sec-fetch-site": "same-origin", origin: world.publicUrl });
    expect(res.status).toBe(303);
    expect((await send(port, "GET", "/admin", { cookie: session })).status).toBe(303);
  });
});
