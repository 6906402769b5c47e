import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir, type CliRun } from "./helpers/cli.js";
import { createTestDatabase } from "./helpers/postgres.js";

// Issue 15: two overlapping `poll` runs (cron's and one started by hand) wrote 190 times where
// 118 writes were needed. Here two real CLI processes start together on one database: the
// per-job lock lets one poll and makes the other skip, saying so; the tracker sees exactly the
// writes that were needed.

const PEOPLE = 20;
/** Every WEconnect answer waits this long, so one run lasts well over 10 s: longer than any start-up skew between the two processes on a loaded machine. */
const WECONNECT_DELAY_MS = 300;

describe.each([{ dialect: "sqlite" as const }, { dialect: "postgres" as const }])("two polls started together on $dialect", ({ dialect }) => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir("powertoken-overlap-");
    // Concurrency 1 and a slow WEconnect stretch the run, so the second process starts while the first still polls.
    env = { ...sims.env, POWERTOKEN_DEFAULT_TIME_ZONE: "UTC", POWERTOKEN_POLL_CONCURRENCY: "1" };
    if (dialect === "postgres") {
      const db = await createTestDatabase();
      env["POWERTOKEN_DATABASE_URL"] = db.url;
      dropDatabase = db.drop;
    }
    const rows = ["name,timeZone,mapping,weconnectPersonId,weconnectToken,trackerAccessToken,trackerRefreshToken,trackerExpiresAt,trackerScopes,trackerUserId"];
    for (let i = 0; i < PEOPLE; i++) {
      const name = `p${i}`;
      const person = sims.weconnect.state.addPerson({ email: `${name}@study.example`, password: `${name}-pw-123`, timeZone: "UTC" });
      const walk = sims.weconnect.state.addActivity(person.id, { name: "Walk", dateStart: new Date(Date.now() - 10 * 60_000), duration: 30, repeat: "daily" });
      sims.weconnect.state.checkIn(person.id, walk.activityId);
      sims.tracker.addUser(name, "UTC");
      const tracker = sims.tracker.issueTokens(name);
      rows.push(`${name},UTC,plan,${person.id},${sims.weconnect.state.issueToken(person.id)},${tracker.accessToken},${tracker.refreshToken},${tracker.expiresAt.toISOString()},"${tracker.scopes.join(" ")}",${name}`);
    }
    writeFileSync(join(dir, "roster.csv"), `${rows.join("\n")}\n`);
    for (const argv of [["init", ...(dialect === "postgres" ? ["--database-url", "env"] : [])], ["participants", "import", "roster.csv"]]) {
      const run = await runCli(argv, { cwd: dir, env });
      expect(run.code, run.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    await sims.close();
    await dropDatabase?.();
  });

  it("lets one poll and makes the other skip and say so; the tracker gets exactly the writes needed", async () => {
    const before = sims.tracker.dataWrites();
    sims.weconnect.setDelay(WECONNECT_DELAY_MS);
    const runs: CliRun[] = await Promise.all([runCli(["poll", "--all"], { cwd: dir, env, timeoutMs: 90_000 }), runCli(["poll", "--all"], { cwd: dir, env, timeoutMs: 90_000 })]);
    sims.weconnect.setDelay(0);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const text = runs.map((r) => r.stdout + r.stderr);
    const skipped = text.filter((t) => /poll skipped: another poll run \(pid \d+/.test(t));
    const polled = text.filter((t) => /\d+ polled of/.test(t));
    expect(skipped, text.join("\n----\n")).toHaveLength(1);
    expect(polled).toHaveLength(1);
    expect(sims.tracker.dataWrites() - before).toBe(PEOPLE);
    const today = new Date().toISOString().slice(0, 10);
    for (let i = 0; i < PEOPLE; i++) expect(sims.tracker.viewDay(`p${i}`, today)?.steps, `p${i}`).toBeGreaterThan(0);

    // A later poll finds nothing to write: the skipped run left nothing half-done.
    const again = await runCli(["poll", "--all", "--json"], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, failed: 0 });
    expect(sims.tracker.dataWrites() - before).toBe(PEOPLE);
  }, 120_000);
});
