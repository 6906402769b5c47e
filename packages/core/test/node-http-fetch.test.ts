import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWeconnectClient } from "@powertoken/weconnect";
import { startWeconnectSimulator, type WeconnectSimulator } from "@powertoken/weconnect/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeHttpFetch, type NodeHttpFetch } from "../src/index.js";
import { openPlainRuntime } from "./helpers/plain-runtime.js";

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("createNodeHttpFetch", () => {
  let sim: WeconnectSimulator;
  let leanFetch: NodeHttpFetch;
  const servers: Server[] = [];
  beforeAll(async () => {
    sim = await startWeconnectSimulator({});
    leanFetch = createNodeHttpFetch();
  });
  afterAll(async () => {
    leanFetch.close();
    await sim.close();
    for (const s of servers) s.close();
  });

  it("gives a WEconnect client the same answers as Node's fetch, login form included", async () => {
    const person = sim.state.addPerson({ email: "ana@example.org", password: "pw", timeZone: "America/Chicago" });
    sim.state.addActivity(person.id, { name: "walk", dateStart: new Date("2026-11-01T15:00:00Z"), repeat: "daily" });
    const lean = createWeconnectClient({ baseUrl: sim.url, fetch: leanFetch });
    const plain = createWeconnectClient({ baseUrl: sim.url });
    const session = await lean.login("ana@example.org", "pw");
    expect(session.personId).toBe(person.id);
    expect(await lean.listActivities(session)).toEqual(await plain.listActivities(session));
    await expect(lean.login("ana@example.org", "wrong")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("passes statuses, headers and empty bodies through", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/empty") res.writeHead(204).end();
      else res.writeHead(503, { "retry-after": "7", "content-type": "text/plain" }).end(`down ${req.method} ${req.headers["x-probe"]}`);
    });
    servers.push(server);
    const base = await listen(server);
    const empty = await leanFetch(`${base}/empty`);
    expect([empty.status, await empty.text()]).toEqual([204, ""]);
    const down = await leanFetch(`${base}/x?q=1`, { method: "POST", headers: { "x-probe": "yes" }, body: "a=b" });
    expect([down.status, down.ok, down.headers.get("retry-after"), await down.text()]).toEqual([503, false, "7", "down POST yes"]);
  });

  it("sends URLSearchParams (OAuth's token requests) and bytes like Node's fetch: the form's content type, the same bytes", async () => {
    const seen: Array<{ type: string | undefined; body: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        seen.push({ type: req.headers["content-type"], body });
        res.writeHead(200).end("{}");
      });
    });
    servers.push(server);
    const base = await listen(server);
    const form = () => new URLSearchParams({ grant_type: "refresh_token", refresh_token: "r é&x" });
    await fetch(`${base}/token`, { method: "POST", body: form() });
    await leanFetch(`${base}/token`, { method: "POST", body: form() });
    await leanFetch(`${base}/token`, { method: "POST", body: form(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    await leanFetch(`${base}/bytes`, { method: "POST", body: new TextEncoder().encode("bytes ✓") });
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual({ type: "application/x-www-form-urlencoded", body: seen[0]!.body });
    expect(seen[3]!.body).toBe("bytes ✓");
    await expect(leanFetch(`${base}/x`, { method: "POST", body: new Blob(["x"]) })).rejects.toThrow(/strings, URLSearchParams and bytes/);
  });

  it("rejects a reply that stalls past its signal with the signal's TimeoutError", async () => {
    const server = createServer((_req, res) => void res.write("{"));
    servers.push(server);
    const base = await listen(server);
    await expect(leanFetch(`${base}/stall`, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: "TimeoutError" });
    const client = createWeconnectClient({ baseUrl: base, fetch: leanFetch, timeoutMs: 100, retry: { attempts: 1 } });
    await expect(client.listActivities({ personId: 1, token: "secret-token-123" })).rejects.toMatchObject({ code: "NETWORK" });
  });

  it("reports a refused connection like Node's fetch, with the system code and no URL or token", async () => {
    const server = createServer();
    const base = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    const error = await leanFetch(`${base}/People/1/activities?access_token=secret-token-123`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    expect(String(error)).not.toContain("secret-token-123");
    expect(String((error as { cause?: unknown }).cause)).not.toContain("secret-token-123");
    const client = createWeconnectClient({ baseUrl: base, fetch: leanFetch, retry: { attempts: 1 } });
    const failure = await client.listActivities({ personId: 1, token: "secret-token-123" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "NETWORK" });
    expect(JSON.stringify(failure) + String(failure) + String((failure as Error).cause)).not.toContain("secret-token-123");
  });

  it("is the runtime's transport when none is given, and runtime.close() ends its kept-alive sockets", async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    let closedSockets = 0;
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end("[]");
    });
    server.on("connection", (socket) => socket.on("close", () => (closedSockets += 1)));
    servers.push(server);
    const base = await listen(server);
    const plain = await openPlainRuntime("sqlite", "transport", { weconnect: { baseUrl: base } });
    try {
      await plain.runtime.ctx.weconnect.listActivities({ personId: 1, token: "secret-token-123" });
      await plain.runtime.ctx.weconnect.listActivities({ personId: 1, token: "secret-token-123" });
    } finally {
      await plain.close();
    }
    // Node's fetch (undici) marks every request with a fetch mode; node:http sends none, and keeps one socket alive for both.
    expect(seen).toHaveLength(2);
    expect(seen.every((h) => h["sec-fetch-mode"] === undefined && h.connection === "keep-alive")).toBe(true);
    await expect.poll(() => closedSockets).toBe(1);
  });
});
