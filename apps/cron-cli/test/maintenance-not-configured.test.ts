import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listErrors, listJobRuns, openDatabase } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

/**
 * The operator's report: the study's WEconnect and tracker URLs are in the config file, the
 * tracker's OAuth client id and secret only exported in their shell. The crontab's maintenance
 * line runs under cron's empty environment, so it has no client. It used to exit 0, log a drift
 * check failure per day as INTERNAL and record the run `ok`.
 */
describe("maintenance without the tracker's OAuth client (cron's empty environment)", () => {
  let sims: Simulators;
  let dir: string;
  /** The shell the operator set the study up in: the OAuth client, nothing else. */
  let shell: Record<string, string>;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir("powertoken-noclient-");
    shell = { POWERTOKEN_GOOGLE_CLIENT_ID: sims.env["POWERTOKEN_GOOGLE_CLIENT_ID"]!, POWERTOKEN_GOOGLE_CLIENT_SECRET: sims.env["POWERTOKEN_GOOGLE_CLIENT_SECRET"]! };
    const init = await runCli(["init", "--time-zone", "UTC"], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    // The URLs go into the config file; the client id and secret stay out of it.
    const path = join(dir, "powertoken.config.json");
    const config = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    const { clientId: _id, clientSecret: _secret, ...urls } = (sims.config as { googleHealth: Record<string, unknown> }).googleHealth;
    writeFileSync(path, JSON.stringify({ ...config, weconnect: sims.config.weconnect, googleHealth: urls, defaults: { ...(config["defaults"] as object), backend: "google-health" } }, null, 2));

    const alice = sims.weconnect.state.addPerson({ email: "alice@study.example", password: "alice-pw-123", timeZone: "UTC" });
    const walk = sims.weconnect.state.addActivity(alice.id, { name: "Morning walk", dateStart: new Date(Date.now() - 10 * 60_000), duration: 30, repeat: "daily" });
    sims.weconnect.state.checkIn(alice.id, walk.activityId);
    sims.tracker.addUser("alice", "UTC");
    const tracker = sims.tracker.issueTokens("alice");
    writeFileSync(
      join(dir, "roster.csv"),
      [
        "name,timeZone,mapping,weconnectPersonId,weconnectToken,trackerAccessToken,trackerRefreshToken,trackerExpiresAt,trackerScopes,trackerUserId",
        `alice,UTC,plan,${alice.id},${sims.weconnect.state.issueToken(alice.id)},${tracker.accessToken},${tracker.refreshToken},${tracker.expiresAt.toISOString()},"${tracker.scopes.join(" ")}",alice`,
      ].join("\n"),
    );
    const imported = await runCli(["participants", "import", "roster.csv"], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    // From the operator's shell the poll writes alice's day: the tracker confirmed it, so maintenance's drift check is due.
    const poll = await runCli(["poll", "--all"], { cwd: dir, env: shell });
    expect(poll.code, poll.stderr).toBe(0);
    expect(sims.tracker.viewDay("alice", new Date().toISOString().slice(0, 10))?.steps).toBeGreaterThan(0);
  }, 60_000);

  afterAll(async () => {
    await sims?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 1 naming the missing setting, without a stack, and records no INTERNAL error", async () => {
    const run = await runCli(["maintenance"], { cwd: dir });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toContain("googleHealth.clientId");
    expect(output).toContain("POWERTOKEN_GOOGLE_CLIENT_ID");
    expect(output).toContain("maintenance NOT_CONFIGURED: no tracker work could be done");
    expect(output, "no success line, no claim that participants failed").not.toMatch(/\[success\]|every participant attempted failed/);
    expect(output).not.toMatch(/INTERNAL|Unexpected/);
    expect(output).not.toMatch(/^\s+at /m);

    const json = await runCli(["maintenance", "--json"], { cwd: dir });
    expect(json.code, json.stderr).toBe(1);
    const result = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ driftChecked: 0, driftFailed: 0, failed: 0, trackerPassesSkipped: true, trackerNotConfigured: [{ backend: "google-health", code: "NOT_CONFIGURED", setting: "googleHealth.clientId" }] });

    const handle = await openDatabase({ url: join(dir, "powertoken-data/powertoken.sqlite"), create: false });
    try {
      expect((await listErrors(handle.db)).map((e) => e.code)).not.toContain("INTERNAL");
      expect((await listJobRuns(handle.db, { job: "maintenance" })).map((r) => r.outcome)).toEqual(["failed", "failed"]);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it("with the client passed in, the same maintenance exits 0 and reads the day back", async () => {
    const run = await runCli(["maintenance", "--json"], { cwd: dir, env: shell });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ driftChecked: 1, driftFailed: 0, failed: 0 });
    expect(result["trackerNotConfigured"]).toBeUndefined();
  }, 60_000);
});
