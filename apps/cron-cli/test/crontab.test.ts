import { describe, expect, it } from "vitest";
import { CLI, runCli, tempDir } from "./helpers/cli.js";

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
});
