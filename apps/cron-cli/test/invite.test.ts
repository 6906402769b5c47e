import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

const LINK = /^https:\/\/study\.example\.org\/p\/[A-Za-z0-9_-]{43}$/;

describe("participants invite", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir();
    env = { ...sims.env, POWERTOKEN_WEB_PUBLIC_URL: "https://study.example.org" };
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env })).code).toBe(0);
    for (const name of ["ann", "ben"]) expect((await runCli(["participants", "add", name], { cwd: dir, env })).code).toBe(0);
  });

  afterAll(async () => {
    await sims.close();
  });

  it("prints one personal link for a participant, valid for 14 days by default", async () => {
    const run = await runCli(["participants", "invite", "ann", "--json"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const { invites } = JSON.parse(run.stdout) as { invites: { name: string; url: string; expiresAt: string; inviteId: number }[] };
    expect(invites).toHaveLength(1);
    expect(invites[0]!.name).toBe("ann");
    expect(invites[0]!.url).toMatch(LINK);
    const days = (Date.parse(invites[0]!.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
  });

  it("makes one link per participant in a state as CSV for a mail merge, with --expires", async () => {
    const run = await runCli(["participants", "invite", "--all", "--state", "pending", "--csv", "--expires", "2d"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = run.stdout.trim().split("\n");
    expect(header).toBe("name,url,expires_at");
    expect(rows.map((r) => r.split(",")[0]).sort()).toEqual(["ann", "ben"]);
    for (const r of rows) expect(r.split(",")[1]).toMatch(LINK);
    // The links are for the coordinator's stdout only: nothing on stderr repeats them.
    for (const r of rows) expect(run.stderr).not.toContain(r.split(",")[1]);
  });

  it("finds nobody in a state no one is in", async () => {
    const run = await runCli(["participants", "invite", "--all", "--state", "needs-backend-move", "--json"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ invites: [] });
  });

  it("revokes a participant's links", async () => {
    const run = await runCli(["participants", "invite", "revoke", "ann", "--json"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ participant: { name: "ann" }, revoked: 2 });
  });

  it("answers bad flags with usage (exit 2)", async () => {
    expect((await runCli(["participants", "invite", "--all"], { cwd: dir, env })).code).toBe(2);
    expect((await runCli(["participants", "invite", "--all", "--state", "asleep"], { cwd: dir, env })).code).toBe(2);
    expect((await runCli(["participants", "invite", "ann", "--expires", "forever"], { cwd: dir, env })).code).toBe(2);
    expect((await runCli(["participants", "invite", "revoke"], { cwd: dir, env })).code).toBe(2);
  });

  it("says web.publicUrl is missing when it is", async () => {
    const { POWERTOKEN_WEB_PUBLIC_URL: _omit, ...bare } = env;
    const run = await runCli(["participants", "invite", "ben"], { cwd: dir, env: bare });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("web.publicUrl");
  });
});
