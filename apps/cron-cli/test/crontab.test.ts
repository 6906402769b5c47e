import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JOB_HEAP_MB } from "../src/_crontab.js";
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
      `0 * * * * ${process.execPath} --max-old-space-size=${JOB_HEAP_MB} ${CLI} maintenance --config ${dir}/powertoken.config.json >> ${dir}/logs/maintenance.log 2>&1`,
      `*/15 * * * * ${process.execPath} --max-old-space-size=${JOB_HEAP_MB} ${CLI} poll --config ${dir}/powertoken.config.json >> ${dir}/logs/poll.log 2>&1`,
    ]);
  });

  it("gives each job the heap ceiling --heap-mb asks for, V8's default with 0, and refuses a bad value", async () => {
    const dir = tempDir();
    expect((await runInProcess(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    const bigger = await runInProcess(["crontab", "--heap-mb", "256", "--json"], { cwd: dir });
    expect(bigger.code, bigger.stderr).toBe(0);
    const parsed = JSON.parse(bigger.stdout) as { lines: string[]; heapMb: number | null };
    expect(parsed.heapMb).toBe(256);
    for (const line of parsed.lines) expect(line).toContain(`${process.execPath} --max-old-space-size=256 `);
    const unset = await runInProcess(["crontab", "--heap-mb", "0", "--json"], { cwd: dir });
    expect(unset.code, unset.stderr).toBe(0);
    for (const line of (JSON.parse(unset.stdout) as { lines: string[] }).lines) expect(line).not.toContain("max-old-space-size");
    const bad = await runInProcess(["crontab", "--heap-mb", "lots"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--heap-mb must be a whole number of MB, at least 64 (or 0 for V8\'s default); got "lots"');
  });

  it("the cron line's node flags start a job under the heap ceiling", async () => {
    const dir = tempDir();
    expect((await runInProcess(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    const { lines } = JSON.parse((await runInProcess(["crontab", "--json"], { cwd: dir })).stdout) as { lines: string[] };
    const flag = /--max-old-space-size=\d+/.exec(lines[1]!)![0];
    const limit = spawnSync(process.execPath, [flag, "-e", "console.log(require('node:v8').getHeapStatistics().heap_size_limit)"], { encoding: "utf8" });
    // V8's limit is the old space plus the young generation's semi-spaces: a little above the ceiling.
    const limitMb = Number(limit.stdout) / 2 ** 20;
    expect(limitMb).toBeGreaterThanOrEqual(JOB_HEAP_MB);
    expect(limitMb).toBeLessThan(JOB_HEAP_MB + 64);
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
