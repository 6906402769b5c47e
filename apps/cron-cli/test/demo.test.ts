import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers/cli.js";

interface DemoResult {
  polls: number;
  participants: { participant: string; checkIns: string; steps: number | null }[];
}

describe("demo", () => {
  it("runs a simulated study day from nothing and ends with what each tracker shows", async () => {
    const started = Date.now();
    const run = await runCli(["demo", "--json"], { cwd: tempDir(), timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const result = JSON.parse(run.stdout) as DemoResult;
    expect(result.polls).toBeGreaterThan(90);
    expect(result.participants.map((p) => [p.participant, p.checkIns, p.steps])).toEqual([
      ["chiyo", "3/3", 10_000],
      ["bob", "2/3", 50_000],
      ["alice", "3/4", 750_000],
    ]);
    expect(run.stderr).toContain("checked in");
  });

  it("prints a table on the legacy Fitbit simulator too", async () => {
    const run = await runCli(["demo", "--backend", "fitbit-legacy"], { cwd: tempDir(), timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/chiyo\s+Asia\/Tokyo\s+plan\s+3\/3\s+100%\s+10,000/);
  });
});
