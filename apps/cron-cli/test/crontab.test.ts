import { chmodSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI, runCli, tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

describe("crontab", () => {
  it("prints the seed's two schedules with absolute node, CLI, config and log paths", async () => {
    const dir = tempDir();
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    const run = await runCli(["crontab", "--config", `${dir}/powertoken.config.json`], { cwd: "/" });
    expect(run.code, run.stderr).toBe(0);
    const jobs = run.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(jobs).toEqual([
      `0 * * * * ${process.execPath} ${CLI} maintenance --config ${dir}/powertoken.config.json >> ${dir}/logs/maintenance.log 2>&1`,
      `*/15 * * * * ${process.execPath} ${CLI} poll --config ${dir}/powertoken.config.json >> ${dir}/logs/poll.log 2>&1`,
    ]);
  });

  it("quotes paths with spaces and escapes % for cron", async () => {
    const dir = tempDir("powertoken cli 100%-");
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    const run = await runCli(["crontab", "--json"], { cwd: dir });
    const { lines } = JSON.parse(run.stdout) as { lines: string[] };
    expect(lines[0]).toContain(`--config '${dir.replace("%", "\\%")}/powertoken.config.json'`);
  });

  it("names the --env-file in both lines, so cron's empty environment still gets the secrets", async () => {
    const dir = tempDir();
    expect((await runInProcess(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    writeFileSync(`${dir}/study.env`, "POWERTOKEN_GOOGLE_CLIENT_ID=id\nPOWERTOKEN_GOOGLE_CLIENT_SECRET=secret-IN-FILE\n");
    chmodSync(`${dir}/study.env`, 0o600);
    const run = await runInProcess(["crontab", "--env-file", "study.env", "--json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const { lines, variablesCronWouldLose } = JSON.parse(run.stdout) as { lines: string[]; variablesCronWouldLose: string[] };
    for (const line of lines) expect(line).toContain(`--env-file ${dir}/study.env >>`);
    expect(variablesCronWouldLose).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain("secret-IN-FILE");
  });

  it("warns about secrets exported in this shell only, which cron would not see", async () => {
    const dir = tempDir();
    expect((await runInProcess(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    const run = await runInProcess(["crontab"], { cwd: dir, env: { POWERTOKEN_GOOGLE_CLIENT_SECRET: "exported-SECRET" } });
    expect(run.code).toBe(0);
    expect(run.stderr + run.stdout).toContain("Cron will not see POWERTOKEN_GOOGLE_CLIENT_SECRET");
    expect(run.stderr + run.stdout).not.toContain("exported-SECRET");
  });

  it("a job run as cron runs it (no shell variables) reads its settings from the --env-file", async () => {
    const dir = tempDir();
    expect((await runInProcess(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    writeFileSync(`${dir}/study.env`, "POWERTOKEN_GOOGLE_CLIENT_ID=id\nPOWERTOKEN_GOOGLE_CLIENT_SECRET=secret-IN-FILE\n");
    chmodSync(`${dir}/study.env`, 0o600);
    const without = await runInProcess(["poll"], { cwd: dir });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain("NOT_CONFIGURED");
    const withFile = await runInProcess(["poll", "--env-file", "study.env"], { cwd: dir });
    expect(withFile.code, withFile.stderr).toBe(0);
    expect(withFile.stdout).toContain("poll: 0 polled of 0 due");
    expect(withFile.stdout + withFile.stderr).not.toContain("secret-IN-FILE");
  });
});
