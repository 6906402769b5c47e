import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { listJobRuns, migrateTo, migrateToLatest, migrationNames, openDatabase, startJobRun } from "@powertoken/db";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDaemonProcess, type DaemonProcess } from "./helpers/daemon-process.js";
import { startStudy, type Study } from "./helpers/study.js";

// What an operator meets when the daemon cannot (or should not) start as configured: one line
// saying what is wrong and what to do, the right exit status, and nothing written.

const started: DaemonProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const d of started.splice(0)) {
    if (d.child.exitCode === null && d.child.signalCode === null) {
      d.child.kill("SIGKILL");
      await d.exited;
    }
  }
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

function start(env: Record<string, string>, cwd?: string): DaemonProcess {
  const daemon = startDaemonProcess({ POWERTOKEN_HTTP_PORT: "0", ...env }, [], cwd === undefined ? {} : { cwd });
  started.push(daemon);
  return daemon;
}

const isMsg = (prefix: string) => (line: Record<string, unknown>) => typeof line["msg"] === "string" && (line["msg"] as string).startsWith(prefix);
const folder = () => mkdtempSync(join(tmpdir(), "pt-daemon-refuse-"));
/** A stack frame in the output (`    at fn (file:line)`): a known condition must not print one. */
const STACK = /\n\s+at /;

describe("refused starts", () => {
  it("without a config or a ./powertoken-data folder, exits 78 naming the folder, `powertoken init` and database.url, without a stack", async () => {
    const dir = folder();
    const daemon = start({}, dir);
    expect((await daemon.exited).code).toBe(78);
    const err = daemon.stderr();
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain(join(dir, "powertoken-data"));
    expect(err).toContain("powertoken init");
    expect(err).toContain("database.url");
    expect(daemon.stdout()).not.toMatch(STACK);
    expect(daemon.lines.some((l) => l["code"] === "DATA_FOLDER_UNUSABLE")).toBe(true);
  });

  it("on a missing SQLite file, exits 78 with DATABASE_MISSING and creates no database", async () => {
    const dir = folder();
    const file = join(dir, "powertoken.sqlite");
    const daemon = start({ POWERTOKEN_DATABASE_URL: `sqlite:${file}` });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toContain("powertoken db migrate");
    expect(daemon.lines.some((l) => l["code"] === "DATABASE_MISSING")).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.daemon.lock`)).toBe(false);
  });

  it("on a zero-byte SQLite file, exits 78 and leaves it empty", async () => {
    const file = join(folder(), "powertoken.sqlite");
    writeFileSync(file, "");
    const daemon = start({ POWERTOKEN_DATABASE_URL: `sqlite:${file}` });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toContain("empty (0 bytes)");
    expect(statSync(file).size).toBe(0);
  });

  it("when the port is taken, refuses before touching the database", async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const file = join(folder(), "powertoken.sqlite");
    const daemon = start({ POWERTOKEN_DATABASE_URL: `sqlite:${file}`, POWERTOKEN_HTTP_PORT: String(port) });
    expect((await daemon.exited).code).toBe(1);
    expect(daemon.stderr()).toContain("EADDRINUSE");
    expect(daemon.stderr()).toContain("daemon.httpPort");
    expect(existsSync(file)).toBe(false);
  });

  it("names daemon.httpHost, not the port, when the address is not this machine's", async () => {
    const daemon = start({ POWERTOKEN_DATABASE_URL: `sqlite:${join(folder(), "powertoken.sqlite")}`, POWERTOKEN_HTTP_HOST: "not a host" });
    expect((await daemon.exited).code).toBe(1);
    const err = daemon.stderr();
    expect(err).toContain("daemon.httpHost (POWERTOKEN_HTTP_HOST)");
    expect(err).not.toContain("free port");
  });

  it("exits 78 (configuration), not 1, on a malformed encryption key", async () => {
    const daemon = start({ POWERTOKEN_DATABASE_URL: `sqlite:${join(folder(), "powertoken.sqlite")}`, POWERTOKEN_ENCRYPTION_KEY: "not-a-key" });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toContain("base64");
    expect(daemon.stderr()).not.toContain("not-a-key");
  });
});

describe("starts that go ahead", () => {
  let study: Study;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = folder();
    file = join(dir, "powertoken.sqlite");
    study = await startStudy({ databaseUrl: `sqlite:${file}`, count: 1 });
  });
  afterAll(async () => {
    await study.close();
  });

  it("warns when no encryption key or tracker client is configured and when web.publicUrl is plain http on a public host", async () => {
    const { POWERTOKEN_ENCRYPTION_KEY: _key, POWERTOKEN_GOOGLE_CLIENT_ID: _id, POWERTOKEN_GOOGLE_CLIENT_SECRET: _secret, ...env } = study.env;
    // A study set up but with no token stored yet: with stored tokens, a missing key refuses the start (below).
    const fresh = join(folder(), "powertoken.sqlite");
    const handle = await openDatabase({ url: `sqlite:${fresh}` });
    await migrateToLatest(handle.db);
    await handle.close();
    const daemon = start({
      ...env,
      POWERTOKEN_DATABASE_URL: `sqlite:${fresh}`,
      POWERTOKEN_POLL_SCHEDULE: "0 0 1 1 *",
      POWERTOKEN_WEB_PUBLIC_URL: "http://study.example.org",
      POWERTOKEN_WEB_STUDY_NAME: "S",
      POWERTOKEN_WEB_CONTACT: "team@example.org",
    });
    await daemon.waitFor(isMsg("daemon started"));
    const warnings = daemon.lines.filter((l) => l["level"] === 40);
    expect(warnings.find((l) => l["key"] === "encryption.key")?.["msg"]).toContain("no encryption key");
    expect(warnings.find((l) => l["key"] === "googleHealth.clientId")?.["msg"]).toContain("no tracker OAuth client");
    expect(warnings.find((l) => l["key"] === "web.publicUrl")?.["msg"]).toContain("unencrypted");
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);
  });

  it("does not warn about a plain-http web.publicUrl on loopback", async () => {
    const daemon = start({
      ...study.env,
      POWERTOKEN_POLL_SCHEDULE: "0 0 1 1 *",
      POWERTOKEN_WEB_PUBLIC_URL: "http://127.0.0.1:8080",
      POWERTOKEN_WEB_STUDY_NAME: "S",
      POWERTOKEN_WEB_CONTACT: "team@example.org",
    });
    await daemon.waitFor(isMsg("daemon started"));
    expect(daemon.lines.filter((l) => l["level"] === 40)).toEqual([]);
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);
  });

  it("stops on SIGHUP as on SIGTERM: says so, exits 0 and removes its lock", async () => {
    const daemon = start({ ...study.env, POWERTOKEN_POLL_SCHEDULE: "0 0 1 1 *" });
    await daemon.waitFor(isMsg("daemon started"));
    daemon.child.kill("SIGHUP");
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.lines.some(isMsg("SIGHUP received"))).toBe(true);
    expect(daemon.lines.some(isMsg("daemon stopped"))).toBe(true);
    expect(existsSync(`${file}.daemon.lock`)).toBe(false);
  });

  it("logs, at warn, taking over the lock of a daemon that died, and closes that daemon's open job runs as failed", async () => {
    const handle = await openDatabase({ url: `sqlite:${file}` });
    const orphan = await startJobRun(handle.db, { job: "poll", owner: "vm:1:dead", startedAt: new Date(Date.now() - 60_000) }).finally(() => handle.close());
    writeFileSync(`${file}.daemon.lock`, JSON.stringify({ pid: 2 ** 22 + 17, hostname: (await import("node:os")).hostname(), replica: "vm:1:dead", since: "2026-01-01T00:00:00.000Z" }));
    const daemon = start({ ...study.env, POWERTOKEN_POLL_SCHEDULE: "0 0 1 1 *" });
    const line = await daemon.waitFor(isMsg("took over the SQLite lock"));
    expect(line).toMatchObject({ level: 40, previousReplica: "vm:1:dead" });
    await daemon.waitFor(isMsg("daemon started"));
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);
    const run = (await runsOf("vm:1:dead")).find((r) => r.id === orphan);
    expect(run).toMatchObject({ outcome: "failed", error: expect.stringContaining("ended") as unknown });
    expect(run?.finishedAt).not.toBeNull();
  });

  /** job_runs rows of one owner, read after the daemon exited. */
  async function runsOf(owner: string) {
    const handle = await openDatabase({ url: `sqlite:${file}` });
    try {
      return (await listJobRuns(handle.db, { limit: 500 })).filter((r) => r.owner === owner);
    } finally {
      await handle.close();
    }
  }

  /** A WEconnect that takes 5 s to answer (503), so a poll is reliably in flight; resolves `hit` on the first request. */
  async function slowWeconnect(): Promise<{ url: string; hit: Promise<void>; server: HttpServer }> {
    let onHit!: () => void;
    const hit = new Promise<void>((resolve) => (onHit = resolve));
    const server = createHttpServer((_request, response) => {
      onHit();
      setTimeout(() => response.writeHead(503).end(), 5_000).unref();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api`, hit, server };
  }

  for (const { how, env, signals, exit, reason } of [
    { how: "a second signal", env: { POWERTOKEN_SHUTDOWN_DEADLINE_MS: "60000" }, signals: ["SIGTERM", "SIGINT"] as const, exit: 130, reason: "second SIGINT" },
    { how: "a passed shutdown deadline", env: { POWERTOKEN_SHUTDOWN_DEADLINE_MS: "300" }, signals: ["SIGTERM"] as const, exit: 1, reason: "deadline passed" },
  ]) {
    it(`closes its own runs as failed when ${how} cuts them short`, async () => {
      const slow = await slowWeconnect();
      try {
        const daemon = start({ ...study.env, ...env, POWERTOKEN_WECONNECT_URL: slow.url, POWERTOKEN_POLL_SCHEDULE: "* * * * * *", POWERTOKEN_POLL_ALL: "true" });
        const replica = (await daemon.waitFor(isMsg("daemon started")))["replica"] as string;
        await slow.hit;
        daemon.child.kill(signals[0]);
        if (signals[1] !== undefined) {
          await daemon.waitFor(isMsg(`${signals[0]} received`));
          daemon.child.kill(signals[1]);
        }
        expect((await daemon.exited).code).toBe(exit);
        const runs = await runsOf(replica);
        expect(runs.length).toBeGreaterThan(0);
        expect(runs.filter((r) => r.finishedAt === null)).toEqual([]);
        expect(runs[0]).toMatchObject({ outcome: "failed", error: expect.stringContaining(reason) as unknown });
      } finally {
        slow.server.closeAllConnections();
        await new Promise((resolve) => slow.server.close(resolve));
      }
    });
  }

  it("refuses (78) a wrong but well-formed key at start, naming the key in one line without a stack, before any poll", async () => {
    const daemon = start({ ...study.env, POWERTOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), POWERTOKEN_POLL_SCHEDULE: "* * * * * *", POWERTOKEN_POLL_ALL: "true" });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toContain("Check the configured key");
    expect(daemon.stderr().trim().split("\n")).toHaveLength(1);
    expect(daemon.stdout()).not.toMatch(/"stack"/);
    expect(daemon.lines.some((l) => l["code"] === "DECRYPT_FAILED")).toBe(true);
    expect(daemon.lines.some(isMsg("poll run"))).toBe(false);
  });

  it("refuses (78) a study whose tokens are stored encrypted when no key is configured", async () => {
    const { POWERTOKEN_ENCRYPTION_KEY: _key, ...env } = study.env;
    const daemon = start(env);
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toContain("no encryption key is configured");
    expect(daemon.lines.some((l) => l["code"] === "KEY_MISSING")).toBe(true);
  });
});

describe("pending migrations", () => {
  it("are applied to an existing PowerToken database at start, each logged at info", async () => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "powertoken.sqlite");
    const handle = await openDatabase({ url: `sqlite:${file}` });
    const older = migrationNames[migrationNames.length - 3]!;
    try {
      await migrateTo(handle.db, older);
    } finally {
      await handle.close();
    }
    const daemon = start({ POWERTOKEN_DATABASE_URL: `sqlite:${file}`, POWERTOKEN_POLL_SCHEDULE: "0 0 1 1 *" });
    await daemon.waitFor(isMsg("daemon started"));
    const applied = daemon.lines.filter(isMsg("database migration applied")).map((l) => l["migration"]);
    expect(applied).toEqual(migrationNames.slice(-2));
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);
  });
});
