import { rmSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

const dir = tempDir("powertoken-quota-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the job summary's quota line", () => {
  it("is printed when a request budget is set, and not otherwise", async () => {
    writeFileSync(`${dir}/r.csv`, "name,weconnectPersonId,weconnectToken,trackerAccessToken\nalice,p1,wc-SECRET-1,tr-SECRET-1\n");
    for (const argv of [["init", "--time-zone", "UTC"], ["participants", "import", "r.csv"]]) {
      const run = await runInProcess(argv, { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
    }
    // WEconnect unreachable: the reads still start through the budget, which is what the line counts.
    const env = { POWERTOKEN_GOOGLE_CLIENT_ID: "client-id", POWERTOKEN_GOOGLE_CLIENT_SECRET: "client-secret-QUOTA", POWERTOKEN_WECONNECT_URL: "http://127.0.0.1:9/api", POWERTOKEN_WECONNECT_TIMEOUT_MS: "2000" };
    const plain = await runInProcess(["poll", "--all", "--dry-run"], { cwd: dir, env });
    expect(plain.stdout + plain.stderr).not.toContain("quota:");
    const budgeted = await runInProcess(["poll", "--all", "--dry-run"], { cwd: dir, env: { ...env, POWERTOKEN_QUOTA_WECONNECT_PER_MINUTE: "100" } });
    expect(budgeted.stdout + budgeted.stderr).toMatch(/quota: weconnect [1-9]\d* req, peak [1-9]\d*\/100 per min; tracker 0 req, peak 0 per min; oauth 0 req, peak 0 per min/);
    expect(budgeted.stdout + budgeted.stderr).not.toMatch(/client-secret-QUOTA|wc-SECRET|tr-SECRET/);
  }, 60_000);
});
