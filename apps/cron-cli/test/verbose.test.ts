import { rmSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

const dir = tempDir("powertoken-verbose-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("poll --verbose", () => {
  it("logs one line per participant with its outcome, and never the OAuth client secret", async () => {
    writeFileSync(`${dir}/r.csv`, "name,weconnectPersonId,weconnectToken,trackerAccessToken\nalice,p1,wc-SECRET-1,tr-SECRET-1\nbob,p2,wc-SECRET-2,tr-SECRET-2\n");
    for (const argv of [["init", "--time-zone", "UTC"], ["participants", "import", "r.csv"]]) {
      const run = await runInProcess(argv, { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
    }
    // WEconnect unreachable: both fail fast with NETWORK, which is what the lines must say.
    const env = {
      POWERTOKEN_GOOGLE_CLIENT_ID: "client-id",
      POWERTOKEN_GOOGLE_CLIENT_SECRET: "client-secret-VERBOSE",
      POWERTOKEN_WECONNECT_URL: "http://127.0.0.1:9/api",
      POWERTOKEN_WECONNECT_TIMEOUT_MS: "2000",
    };
    const quiet = await runInProcess(["poll", "--all", "--dry-run"], { cwd: dir, env });
    expect(quiet.stdout).not.toMatch(/\[1\/2\]/);
    const run = await runInProcess(["poll", "--all", "--dry-run", "--verbose"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/\[1\/2\] (alice|bob): failed NETWORK/);
    expect(run.stdout).toMatch(/\[2\/2\] (alice|bob): failed NETWORK/);
    expect(run.stdout + run.stderr).not.toMatch(/client-secret-VERBOSE|wc-SECRET|tr-SECRET/);
  }, 30_000);
});
