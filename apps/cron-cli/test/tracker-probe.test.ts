import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GOOGLE_HEALTH_SCOPES } from "@powertoken/fitbit";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator, type WeconnectSimulator } from "@powertoken/weconnect/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIM_CLIENT } from "../src/_simulators.js";
import { runCli, tempDir, type CliRun } from "./helpers/cli.js";

interface Probe {
  name: string;
  writtenAndReadBack: boolean;
  totalRose: "yes" | "no" | "unknown";
  roseBy: number | null;
  deleted: boolean;
  missingScope: string | null;
}

describe("powertoken tracker probe (built CLI, Google Health simulator)", () => {
  let weconnect: WeconnectSimulator;
  let google: GoogleHealthSimulator;
  let dir: string;
  let env: Record<string, string>;
  const secrets: string[] = [SIM_CLIENT.clientSecret];
  const today = new Date().toISOString().slice(0, 10);

  const expectNoSecrets = (run: CliRun) => {
    for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
  };

  beforeAll(async () => {
    weconnect = await startWeconnectSimulator({});
    google = await startGoogleHealthSimulator({ client: { ...SIM_CLIENT }, users: [{ userId: "alice", timeZone: "UTC" }, { userId: "nora", timeZone: "UTC" }] });
    dir = tempDir();
    env = {
      POWERTOKEN_WECONNECT_URL: weconnect.url,
      POWERTOKEN_GOOGLE_API_URL: google.url,
      POWERTOKEN_GOOGLE_AUTH_URL: `${google.oauthUrl}/authorize`,
      POWERTOKEN_GOOGLE_TOKEN_URL: `${google.oauthUrl}/token`,
      POWERTOKEN_GOOGLE_REVOKE_URL: `${google.oauthUrl}/revoke`,
      POWERTOKEN_GOOGLE_CLIENT_ID: SIM_CLIENT.clientId,
      POWERTOKEN_GOOGLE_CLIENT_SECRET: SIM_CLIENT.clientSecret,
      POWERTOKEN_DEFAULT_BACKEND: "google-health",
      POWERTOKEN_DEFAULT_TIME_ZONE: "UTC",
    };
    const rows = ["name,timeZone,mapping,weconnectPersonId,weconnectToken,trackerAccessToken,trackerRefreshToken,trackerExpiresAt,trackerScopes,trackerUserId"];
    // nora granted writing but not reading activity data.
    for (const [name, scopes] of [["alice", Object.values(GOOGLE_HEALTH_SCOPES)], ["nora", [GOOGLE_HEALTH_SCOPES.activityWrite]]] as const) {
      const person = weconnect.state.addPerson({ email: `${name}@study.example`, password: `${name}-pw-123`, timeZone: "UTC" });
      const weconnectToken = weconnect.state.issueToken(person.id);
      const tokens = google.state.issueTokens(name, [...scopes]);
      secrets.push(weconnectToken, tokens.accessToken, tokens.refreshToken);
      rows.push(`${name},UTC,plan,${person.id},${weconnectToken},${tokens.accessToken},${tokens.refreshToken},${tokens.expiresAt.toISOString()},"${tokens.scopes.join(" ")}",${name}`);
    }
    writeFileSync(join(dir, "roster.csv"), rows.join("\n"));
    expect((await runCli(["init", "--json"], { cwd: dir, env })).code).toBe(0);
    const imported = await runCli(["participants", "import", "roster.csv", "--json"], { cwd: dir, env });
    expect(imported.code, imported.stderr).toBe(0);
  });

  afterAll(async () => {
    await Promise.allSettled([weconnect.close(), google.close()]);
  });

  it("says yes when the day's total rises by the written steps, deletes the test exercise and exits 0", async () => {
    google.state.settings.exerciseStepsCount = true;
    google.state.setDeviceSteps("alice", today, 3_000);
    const run = await runCli(["tracker", "probe", "alice", "--json"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expectNoSecrets(run);
    expect(JSON.parse(run.stdout) as Probe).toMatchObject({ name: "alice", writtenAndReadBack: true, totalRose: "yes", roseBy: 4_321, deleted: true, missingScope: null });
    expect(google.state.points("alice").size).toBe(0);
  });

  it("says no, and by how much the total rose, when the roll-up ignores exercise steps", async () => {
    google.state.settings.exerciseStepsCount = false;
    const run = await runCli(["tracker", "probe", "alice", "--steps", "2500"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expectNoSecrets(run);
    expect(run.stdout).toContain("alice, ");
    expect(run.stdout).toContain("Written and read back: yes.");
    expect(run.stdout).toContain("The day's step total rose by the written steps: no (it rose by 0, the probe wrote 2500).");
    expect(run.stdout).toContain("The test exercise was deleted.");
    expect(google.state.points("alice").size).toBe(0);
  });

  it("names the missing read permission, writes nothing and exits 1", async () => {
    const run = await runCli(["tracker", "probe", "nora"], { cwd: dir, env });
    expect(run.code).toBe(1);
    expectNoSecrets(run);
    expect(run.stdout).toContain(GOOGLE_HEALTH_SCOPES.activityRead);
    expect(google.state.points("nora").size).toBe(0);
    const json = await runCli(["tracker", "probe", "nora", "--json"], { cwd: dir, env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout) as Probe).toMatchObject({ missingScope: GOOGLE_HEALTH_SCOPES.activityRead, writtenAndReadBack: false });
  });

  it("exits 1 when the test exercise cannot be deleted, and says so", async () => {
    google.failNext({ status: 500, match: "batchDelete", count: 10 });
    const run = await runCli(["tracker", "probe", "alice"], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("could NOT be deleted");
    google.state.points("alice").clear();
  });

  it("rejects a bad --steps as a usage error and an unknown participant with one line", async () => {
    expect((await runCli(["tracker", "probe", "alice", "--steps", "-5"], { cwd: dir, env })).code).toBe(2);
    const unknown = await runCli(["tracker", "probe", "zed"], { cwd: dir, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("PARTICIPANT_NOT_FOUND");
  });
});
