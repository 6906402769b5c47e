import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir, type CliRun } from "./helpers/cli.js";
import { createTestDatabase } from "./helpers/postgres.js";

/** Every secret handed to the simulators or the CLI in this file; none may ever be printed. */
const secrets: string[] = [];

function expectNoSecrets(run: CliRun): void {
  for (const secret of secrets) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

function json<T = Record<string, unknown>>(run: CliRun): T {
  expect(run.code, run.stderr).toBe(0);
  expectNoSecrets(run);
  return JSON.parse(run.stdout) as T;
}

interface Outcome {
  name: string;
  outcome: string;
  steps?: number;
  code?: string;
}

describe.each([
  { dialect: "sqlite" as const },
  { dialect: "postgres" as const },
])("init → import → maintenance → poll → status on $dialect", ({ dialect }) => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;
  let dropDatabase: (() => Promise<void>) | undefined;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    secrets.push(sims.env["POWERTOKEN_GOOGLE_CLIENT_SECRET"] as string);
    dir = tempDir();
    env = { ...sims.env, POWERTOKEN_DEFAULT_TIME_ZONE: "UTC" };
    if (dialect === "postgres") {
      const db = await createTestDatabase();
      env["POWERTOKEN_DATABASE_URL"] = db.url;
      dropDatabase = db.drop;
    }
    // alice: an activity happening now, checked in; her tokens come from "another system".
    const alice = sims.weconnect.state.addPerson({ email: "alice@study.example", password: "alice-pw-123", timeZone: "UTC" });
    const walk = sims.weconnect.state.addActivity(alice.id, { name: "Morning walk", dateStart: new Date(Date.now() - 10 * 60_000), duration: 30, repeat: "daily" });
    sims.weconnect.state.checkIn(alice.id, walk.activityId);
    sims.tracker.addUser("alice", "UTC");
    const weconnectToken = sims.weconnect.state.issueToken(alice.id);
    const tracker = sims.tracker.issueTokens("alice");
    secrets.push(weconnectToken, tracker.accessToken, tracker.refreshToken);
    writeFileSync(
      join(dir, "roster.csv"),
      [
        "name,timeZone,mapping,weconnectPersonId,weconnectToken,trackerAccessToken,trackerRefreshToken,trackerExpiresAt,trackerScopes,trackerUserId",
        `alice,UTC,plan,${alice.id},${weconnectToken},${tracker.accessToken},${tracker.refreshToken},${tracker.expiresAt.toISOString()},"${tracker.scopes.join(" ")}",alice`,
        "bob,Europe/Berlin,tally,,,,,,,",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await sims.close();
    await dropDatabase?.();
  });

  it("init writes the config and a 0600 key file, and migrates", async () => {
    const run = await runCli(["init", "--json", ...(dialect === "postgres" ? ["--database-url", "env"] : [])], { cwd: dir, env });
    const result = json<{ keyFile: string; migrationsApplied: string[] }>(run);
    expect(result.migrationsApplied.length).toBeGreaterThan(0);
    expect(statSync(result.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "powertoken.config.json")).mode & 0o777).toBe(0o600);
  });

  it("imports the roster in one go, tokens included", async () => {
    const result = json<{ imported: number; withTokens: number }>(await runCli(["participants", "import", "roster.csv", "--json"], { cwd: dir, env }));
    expect(result).toMatchObject({ imported: 2, withTokens: 1 });
    const list = json<{ participants: { name: string; status: string }[] }>(await runCli(["participants", "list", "--json"], { cwd: dir, env }));
    expect(list.participants.map((p) => [p.name, p.status])).toEqual([
      ["alice", "active"],
      ["bob", "needs-weconnect-signin"],
    ]);
  });

  it("rejects a bad roster with line numbers and imports nothing", async () => {
    writeFileSync(join(dir, "bad.csv"), ["name,timeZone,mapping", "carol,Mars/Olympus,plan", "dave,UTC,sprint", "carol,UTC,plan"].join("\n"));
    const run = await runCli(["participants", "import", "bad.csv"], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ROSTER_INVALID");
    expect(run.stderr).toMatch(/line 2: timeZone/);
    expect(run.stderr).toMatch(/line 3: mapping/);
    expect(run.stderr).toMatch(/line 4: name "carol" already used at line 2/);
    // A valid roster whose second row clashes with the database rolls back its first row too.
    writeFileSync(join(dir, "clash.json"), JSON.stringify([{ name: "erin" }, { name: "alice" }]));
    const clash = await runCli(["participants", "import", "clash.json"], { cwd: dir, env });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`participants[1]: name "alice" is already enrolled`);
    const list = json<{ participants: unknown[] }>(await runCli(["participants", "list", "--json"], { cwd: dir, env }));
    expect(list.participants).toHaveLength(2);
  });

  it("runs maintenance and a poll that writes alice's progress to her tracker", async () => {
    const maintenance = json<{ job: string; failed: number }>(await runCli(["maintenance", "--json"], { cwd: dir, env }));
    expect(maintenance).toMatchObject({ job: "maintenance", failed: 0 });
    const poll = json<{ job: string; participants: Outcome[] }>(await runCli(["poll", "--all", "--json"], { cwd: dir, env }));
    const alice = poll.participants.find((p) => p.name === "alice");
    expect(alice).toMatchObject({ outcome: "written" });
    expect(sims.tracker.viewDay("alice", today)?.steps).toBe(alice?.steps);
    expect(alice?.steps).toBeGreaterThan(0);
    // In text the table lists only who needs a look (failed, skipped); the counts cover everyone.
    const text = await runCli(["poll", "--all"], { cwd: dir, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout + text.stderr).toMatch(/poll: (\d+) polled of \1 due, 0 written, \1 unchanged, 0 skipped, 0 failed/);
    expect(text.stdout).not.toMatch(/alice/);
  });

  it("shows status and the audit log", async () => {
    const status = json<{ participants: { name: string; state: string; tracker: { steps: number } | null; checkIns: { done: number } | null }[] }>(
      await runCli(["status", "--json"], { cwd: dir, env }),
    );
    const alice = status.participants.find((p) => p.name === "alice");
    expect(alice).toMatchObject({ state: "active", checkIns: { done: 1 } });
    expect(alice?.tracker?.steps).toBe(sims.tracker.viewDay("alice", today)?.steps);
    const table = await runCli(["status"], { cwd: dir, env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/alice\s+active/);
    expectNoSecrets(table);
    const log = json<{ entries: { action: string; participantName: string }[] }>(await runCli(["log", "--participant", "alice", "--since", "1h", "--json"], { cwd: dir, env }));
    expect(log.entries.some((e) => e.action === "tracker-write" && e.participantName === "alice")).toBe(true);
  });

  it("poll follows POWERTOKEN_POLL_ALL, and --all / --no-all override it for one run", async () => {
    // Alice's walk is neither starting nor ending within a minute and has no open items: not due.
    const quiet = { ...env, POWERTOKEN_POLL_WINDOW_MINUTES: "1", POWERTOKEN_POLL_CATCH_UP_MINUTES: "0" };
    const due = async (args: string[], extra: Record<string, string> = {}) =>
      json<{ due: number }>(await runCli(["poll", "--dry-run", "--json", ...args], { cwd: dir, env: { ...quiet, ...extra } })).due;
    expect(await due([])).toBe(0);
    expect(await due([], { POWERTOKEN_POLL_ALL: "true" })).toBe(1);
    expect(await due(["--no-all"], { POWERTOKEN_POLL_ALL: "true" })).toBe(0);
    expect(await due(["--all"], { POWERTOKEN_POLL_ALL: "false" })).toBe(1);
  });

  it("refuses maintenance --all as a usage error instead of ignoring it", async () => {
    const run = await runCli(["maintenance", "--all"], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("drop --all");
  });

  it("exits 1 and reports each participant when every participant of the run failed (WEconnect unreachable)", async () => {
    const run = await runCli(["poll", "--participant", "alice", "--json"], { cwd: dir, env: { ...env, POWERTOKEN_WECONNECT_URL: "http://127.0.0.1:9/api", POWERTOKEN_WECONNECT_TIMEOUT_MS: "2000" } });
    expect(run.code).toBe(1);
    expectNoSecrets(run);
    const poll = JSON.parse(run.stdout) as { failed: number; participants: Outcome[] };
    expect(poll.failed).toBe(1);
    expect(poll.participants[0]).toMatchObject({ name: "alice", outcome: "failed", code: "NETWORK" });
    expect(run.stderr).toContain("every participant attempted failed");
  });

  it("exits 1 with one line when the run itself cannot start (database unreachable)", async () => {
    const run = await runCli(["poll"], { cwd: dir, env: { ...env, POWERTOKEN_DATABASE_URL: "postgres://nobody@127.0.0.1:9/none" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Db CONNECTION_FAILED: /);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
