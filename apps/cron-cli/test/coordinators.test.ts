import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

const PASSWORD = "a long enough passphrase";

describe("coordinators", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir();
    env = sims.env;
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env })).code).toBe(0);
  });
  afterAll(async () => {
    await sims.close();
  });

  it("adds a coordinator with the password from stdin's first line and lists them without any hash", async () => {
    const add = await runCli(["coordinators", "add", "PI@Example.org", "--role", "admin", "--json"], { cwd: dir, env, input: `${PASSWORD}\n` });
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ coordinator: { email: "pi@example.org", role: "admin" } });
    expect(add.stdout + add.stderr).not.toContain(PASSWORD);
    const viewer = await runCli(["coordinators", "add", "ra@example.org"], { cwd: dir, env, input: `${PASSWORD}\n` });
    expect(viewer.code, viewer.stderr).toBe(0);
    const list = await runCli(["coordinators", "list", "--json"], { cwd: dir, env });
    expect(list.code, list.stderr).toBe(0);
    const { coordinators } = JSON.parse(list.stdout) as { coordinators: { email: string; role: string }[] };
    expect(coordinators.map((c) => [c.email, c.role])).toEqual([["pi@example.org", "admin"], ["ra@example.org", "viewer"]]);
    expect(list.stdout).not.toContain("scrypt");
  });

  it("refuses a short password (exit 1, the password not echoed), a duplicate and an unknown role (exit 2)", async () => {
    const short = await runCli(["coordinators", "add", "short@example.org"], { cwd: dir, env, input: "tiny-secret\n" });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/INVALID_INPUT/);
    expect(short.stdout + short.stderr).not.toContain("tiny-secret");
    const twice = await runCli(["coordinators", "add", "pi@example.org"], { cwd: dir, env, input: `${PASSWORD}\n` });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/COORDINATOR_EXISTS/);
    expect((await runCli(["coordinators", "add", "x@example.org", "--role", "owner"], { cwd: dir, env, input: `${PASSWORD}\n` })).code).toBe(2);
    expect((await runCli(["coordinators", "add", "x@example.org"], { cwd: dir, env, input: "" })).code).toBe(1);
  });

  it("resets a password and removes a coordinator; an unknown one is an error", async () => {
    const reset = await runCli(["coordinators", "reset-password", "ra@example.org", "--json"], { cwd: dir, env, input: "another long passphrase\n" });
    expect(reset.code, reset.stderr).toBe(0);
    expect(JSON.parse(reset.stdout)).toEqual({ reset: { email: "ra@example.org" } });
    const remove = await runCli(["coordinators", "remove", "ra@example.org", "--json"], { cwd: dir, env });
    expect(remove.code, remove.stderr).toBe(0);
    const again = await runCli(["coordinators", "remove", "ra@example.org"], { cwd: dir, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/COORDINATOR_NOT_FOUND/);
  });
});

describe("export days", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir();
    env = sims.env;
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env })).code).toBe(0);
  });
  afterAll(async () => {
    await sims.close();
  });

  it("prints a CSV header for an empty range and writes a file with --output, counting rows", async () => {
    const run = await runCli(["export", "days", "--since", "2026-11-01", "--until", "2026-11-30"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("participant,date,planned,checked_in,progress,steps_shown,write_state\r\n");
    const file = await runCli(["export", "days", "--since", "2026-11-01", "--until", "2026-11-30", "--format", "json", "--output", "days.jsonl", "--json"], { cwd: dir, env });
    expect(file.code, file.stderr).toBe(0);
    expect(JSON.parse(file.stdout)).toEqual({ output: "days.jsonl", rows: 0 });
  });

  it("answers bad dates, a bad format and --json without --output with usage (exit 2)", async () => {
    for (const args of [
      ["--since", "yesterday", "--until", "2026-11-30"],
      ["--since", "2026-11-30", "--until", "2026-11-01"],
      ["--since", "2026-11-01", "--until", "2026-11-30", "--format", "xml"],
      ["--since", "2026-11-01", "--until", "2026-11-30", "--json"],
      ["--until", "2026-11-30"],
    ]) {
      expect((await runCli(["export", "days", ...args], { cwd: dir, env })).code, args.join(" ")).toBe(2);
    }
  });
});
