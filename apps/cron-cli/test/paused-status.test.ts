import { join } from "node:path";
import { createRuntime, findParticipant, loadConfig, pauseParticipant } from "@powertoken/core";
import { generateEncryptionKey } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

describe("status and participants show say a paused participant is paused", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir();
    env = {
      ...sims.env,
      POWERTOKEN_DATABASE_URL: `sqlite:${join(dir, "powertoken.sqlite")}`,
      POWERTOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
      POWERTOKEN_ENCRYPTION_KEY_ID: "k1",
    };
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env })).code).toBe(0);
    for (const name of ["fern", "gus"]) expect((await runCli(["participants", "add", name], { cwd: dir, env })).code).toBe(0);
    const runtime = await createRuntime(loadConfig({ env, cwd: dir }).config, { migrate: false, create: false });
    try {
      await pauseParticipant(runtime, (await findParticipant(runtime, "fern")).id, { reason: "travelling" });
    } finally {
      await runtime.close();
    }
  }, 60_000);

  afterAll(async () => {
    await sims.close();
  });

  it("prints paused since … in the status table for the paused participant only", async () => {
    const fern = await runCli(["status", "--participant", "fern"], { cwd: dir, env });
    expect(fern.code, fern.stderr).toBe(0);
    expect(fern.stdout).toMatch(/needs-weconnect-signin, paused since \d{4}-\d\d-\d\d \d\d:\d\d/);
    const gus = await runCli(["status", "--participant", "gus"], { cwd: dir, env });
    expect(gus.stdout).not.toContain("paused");
    const json = await runCli(["status", "--participant", "fern", "--json"], { cwd: dir, env });
    expect((JSON.parse(json.stdout) as { participants: { paused: boolean }[] }).participants[0]!.paused).toBe(true);
  });

  it("prints paused since … in participants show", async () => {
    const show = await runCli(["participants", "show", "fern"], { cwd: dir, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/state {8}needs-weconnect-signin, paused since \d{4}-\d\d-\d\dT[\d:.]+Z \(not polled or maintained\)/);
  });
});
