// What the app does before any route runs, and around sign-in: a foreign Origin refused before
// the body is read, a body over the limit refused with 413 (over real HTTP, so the body really
// streams), the per-address sign-in limit behind a proxy, a `next` a header cannot carry, and the
// doctype on every page.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { addCoordinator } from "@powertoken/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FORM_BYTES } from "../src/create-web-app.js";
import { createWebApp, toNodeListener } from "../src/index.js";
import { COORDINATOR_PASSWORD, csrfOf, signedInAs } from "./helpers/dashboard.js";
import {
  DIALECTS,
  PASSWORD,
  csrfFrom,
  newBrowser,
  startWebWorld,
  type WebWorld,
} from "./helpers/web-world.js";

/** A POST whose body we write by hand: the test decides how much is sent and whether it ends. */
function openPost(port: number, path: string, headers: Record<string, string>) {
  const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers });
  req.on("error", () => undefined); // the server may close the socket once it has answered
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
  });
  return { req, response };
}

/** The answer, or a failure naming what was waited for: a server that reads the whole body never answers. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms)),
  );
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe.each(DIALECTS)("guards in front of the routes on %s", (dialect) => {
  let world: WebWorld;
  let server: Server;
  let port: number;
  const open: ReturnType<typeof openPost>["req"][] = [];

  beforeAll(async () => {
    world = await startWebWorld(dialect);
    server = createServer(toNodeListener(world.app));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const req of open) req.destroy();
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    await world?.close();
  });

  /** A browser's CSRF cookie and token for a page, fetched over the socket. */
  async function csrfFor(path: string): Promise<{ cookie: string; token: string }> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    const cookie = res.headers
      .getSetCookie()
      .map((line) => line.split(";")[0]!)
      .join("; ");
    return { cookie, token: csrfFrom(await res.text()) };
  }

  it("refuses a POST from a foreign Origin before reading its body", async () => {
    // The body never ends: a server that parses it before looking at the Origin never answers.
    const post = openPost(port, "/nothing-here", {
      origin: "https://evil.example",
      "content-type": "application/x-www-form-urlencoded",
      "transfer-encoding": "chunked",
    });
    open.push(post.req);
    post.req.write("a=".padEnd(1024, "a"));
    const res = await within(3_000, "403 for a foreign Origin", post.response);
    expect(res.status).toBe(403);
    expect(res.text).toContain("Nothing was changed.");
  });

  it("answers 413 to a body over the limit, declared or streamed, without waiting for the rest", async () => {
    const { cookie, token } = await csrfFor("/admin/signin");
    const headers = { origin: world.publicUrl, cookie, "content-type": "application/x-www-form-urlencoded" };
    // Declared: 100 MB announced, 1 KB sent.
    const declared = openPost(port, "/admin/signin", {
      ...headers,
      "content-length": String(100 * 1024 * 1024),
    });
    open.push(declared.req);
    declared.req.write(`_csrf=${token}&pad=`.padEnd(1024, "a"));
    const a = await within(3_000, "413 for a declared 100 MB body", declared.response);
    expect(a.status).toBe(413);
    expect(a.text).toMatch(/^<!DOCTYPE html>/);
    expect(a.text).toContain("This form was too large");
    // Streamed (no length): cut off once more than the limit has arrived, the rest never sent.
    const streamed = openPost(port, "/admin/signin", { ...headers, "transfer-encoding": "chunked" });
    open.push(streamed.req);
    streamed.req.write(`_csrf=${token}&pad=`.padEnd(MAX_FORM_BYTES + 1024, "a"));
    const b = await within(3_000, "413 for a streamed body over the limit", streamed.response);
    expect(b.status).toBe(413);
  });

  it("uses none of a link's sign-in attempts for a body over the limit", async () => {
    const p = await world.addParticipant(`big-body-${dialect}`);
    const path = `/p/${p.token}/weconnect`;
    const { cookie, token } = await csrfFor(path);
    const post = (form: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: world.publicUrl, cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form),
      });
    // A valid form with a wrong password, padded past the limit: without the limit each one is a failed attempt.
    for (let i = 0; i < 6; i++) {
      expect(
        (
          await post({
            _csrf: token,
            email: p.email,
            password: "wrong-password",
            pad: "x".repeat(MAX_FORM_BYTES),
          })
        ).status,
      ).toBe(413);
    }
    expect((await post({ _csrf: token, email: p.email, password: PASSWORD })).status).toBe(303);
    expect(await world.status(p.id)).toBe("needs-tracker-consent");
  });

  it("still reads the largest real form: the coordinator sign-in with every field at its longest", async () => {
    await addCoordinator(world.runtime, {
      email: `long-${dialect}@example.org`,
      role: "viewer",
      password: COORDINATOR_PASSWORD,
    });
    // 200 characters of e-mail and password, each two bytes in UTF-8 and six percent-encoded,
    // and a 12,000-character `next` (near what fits in Node's 16 KB of request headers), made of
    // percent escapes that grow again when the form encodes them.
    const next = `/admin?q=${"%C3%A9".repeat(1_998)}`;
    const { cookie, token } = await csrfFor("/admin/signin");
    const body = new URLSearchParams({
      _csrf: token,
      next,
      email: "é".repeat(200),
      password: "é".repeat(200),
    }).toString();
    expect(body.length).toBeGreaterThan(20_000);
    expect(body.length).toBeLessThan(MAX_FORM_BYTES);
    const res = await fetch(`http://127.0.0.1:${port}/admin/signin`, {
      method: "POST",
      headers: { origin: world.publicUrl, cookie, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(res.status).toBe(401); // read and checked: no such account
  });
});

describe.each(DIALECTS)("sign-in details on %s", (dialect) => {
  let world: WebWorld;

  beforeAll(async () => {
    world = await startWebWorld(dialect);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("behind a trusted proxy, limits sign-ins by the address the proxy appended, not what the client wrote", async () => {
    const app = createWebApp({
      runtime: world.runtime,
      publicUrl: world.publicUrl,
      studyName: "S",
      contact: "c@example.org",
      trustProxy: true,
    });
    const browser = newBrowser(app, world.publicUrl);
    const attempt = async (i: number, forwarded: string) => {
      const csrf = await csrfOf(browser, "/admin/signin");
      // A new e-mail each time, so only the per-address limit can trip.
      return browser.request("/admin/signin", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwarded },
        body: new URLSearchParams({
          _csrf: csrf,
          email: `nobody-${i}-${dialect}@example.org`,
          password: "wrong-password-123",
        }),
      });
    };
    // One client (203.0.113.7, appended by the proxy) writing a new first entry each time.
    for (let i = 0; i < 5; i++) expect((await attempt(i, `10.0.0.${i}, 203.0.113.7`)).status).toBe(401);
    expect((await attempt(5, "10.0.0.99, 203.0.113.7")).status).toBe(429);
    // Another client behind the same proxy is not locked out with it.
    expect((await attempt(6, "203.0.113.7, 198.51.100.9")).status).toBe(401);
  });

  it("signs in and goes to the dashboard when `next` carries a CR/LF or a character a header cannot hold", async () => {
    await signedInAs(world, `next-${dialect}@example.org`, "admin");
    for (const next of ["/admin\r\nX-Injected: 1", "/admin/\u00fc", "/admin\t/audit"]) {
      const browser = newBrowser(world.app, world.publicUrl);
      const form = await (await browser.get("/admin/signin")).text();
      const res = await browser.post("/admin/signin", {
        _csrf: csrfFrom(form),
        email: `next-${dialect}@example.org`,
        password: COORDINATOR_PASSWORD,
        next,
      });
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(res.headers.get("location")).toBe("/admin");
      expect(res.headers.get("x-injected")).toBeNull();
    }
    // The sign-in form itself falls back too.
    const browser = newBrowser(world.app, world.publicUrl);
    expect(
      await (await browser.get(`/admin/signin?next=${encodeURIComponent("/admin\r\nX: 1")}`)).text(),
    ).toContain('name="next" value="/admin"');
  });

  it("starts every page with <!DOCTYPE html>, so no browser falls back to quirks mode", async () => {
    const p = await world.addParticipant(`doctype-${dialect}`);
    const admin = await signedInAs(world, `doctype-${dialect}@example.org`, "admin");
    const anon = newBrowser(world.app, world.publicUrl);
    const pages: [string, Response][] = [
      ["welcome", await anon.get(`/p/${p.token}`)],
      ["WEconnect sign-in", await anon.get(`/p/${p.token}/weconnect`)],
      ["invalid link", await anon.get("/p/not-a-real-link")],
      ["not found", await anon.get("/nothing-here")],
      ["CSRF refusal", await anon.post(`/p/${p.token}/weconnect`, { email: p.email, password: PASSWORD })],
      ["dashboard sign-in", await anon.get("/admin/signin")],
      ["overview", await admin.get("/admin")],
      ["audit log", await admin.get("/admin/audit")],
    ];
    for (const [name, res] of pages) {
      expect(res.headers.get("content-type"), name).toMatch(/^text\/html/);
      expect(await res.text(), name).toMatch(/^<!DOCTYPE html><html lang="en">/);
    }
  });
});
