import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers/cli.js";

describe("usage and configuration errors", () => {
  it("prints help with examples and exits 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("EXAMPLES");
    expect(run.stdout).toContain("participants");
  });

  it("prints a subcommand's help with its examples, even with global flags first", async () => {
    const run = await runCli(["--config", "nowhere.json", "participants", "import", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("powertoken participants import");
    expect(run.stdout).toContain("roster.csv");
  });

  it("exits 2 with usage for an unknown flag", async () => {
    const run = await runCli(["poll", "--evrything"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option `--evrything`");
    expect(run.stderr).toContain("USAGE");
  });

  it("exits 2 with usage for an unknown command", async () => {
    const run = await runCli(["pol"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown command `pol`");
  });

  it("exits 2 for a missing argument and for a string flag without a value", async () => {
    expect((await runCli(["participants", "show"])).code).toBe(2);
    const run = await runCli(["log", "--limit"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("needs a value");
  });

  it("exits 2 naming the key when the config file has a bad value", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "powertoken.config.json"), JSON.stringify({ poll: { concurrency: 0 } }));
    const run = await runCli(["config"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("poll.concurrency");
  });

  it("exits 2 naming the variable and key when an environment override is malformed", async () => {
    const run = await runCli(["config", "--json"], { env: { POWERTOKEN_POLL_CONCURRENCY: "many" } });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: "CONFIG_INVALID", key: "poll.concurrency" } });
  });

  it("exits 2 when the named config file does not exist", async () => {
    const run = await runCli(["status", "--config", "/nonexistent/powertoken.config.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("CONFIG_NOT_FOUND");
  });

  it("never prints secrets from the config, not even with --json", async () => {
    const env = {
      POWERTOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      POWERTOKEN_GOOGLE_CLIENT_SECRET: "very-secret-client-value",
      POWERTOKEN_DATABASE_URL: "postgres://pt:db-password-123@127.0.0.1:5432/study",
    };
    for (const args of [["config"], ["config", "--json"]]) {
      const run = await runCli(args, { env, cwd: tempDir() });
      expect(run.code).toBe(0);
      for (const secret of Object.values(env).map((v) => v.replace(/^.*:(db-password-123)@.*$/, "$1"))) {
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
    }
  });
});
