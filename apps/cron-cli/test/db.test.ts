import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

describe("db commands", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;
  let token: string;

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    const person = sims.weconnect.state.addPerson({ email: "c@study.example", password: "pw", timeZone: "UTC" });
    token = sims.weconnect.state.issueToken(person.id);
    dir = tempDir();
    env = { ...sims.env };
    expect((await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, "r.json"), JSON.stringify([{ name: "carol", weconnectPersonId: person.id, weconnectToken: token }]));
    expect((await runCli(["participants", "import", "r.json"], { cwd: dir, env })).code).toBe(0);
  });

  afterAll(async () => {
    await sims.close();
  });

  it("reports the schema up to date after init, and migrate is a no-op", async () => {
    const status = await runCli(["db", "status", "--json"], { cwd: dir, env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: [] });
    const migrate = await runCli(["db", "migrate", "--json"], { cwd: dir, env });
    expect(JSON.parse(migrate.stdout)).toMatchObject({ applied: [] });
  });

  it("rotates the key: tokens still readable, config points at a new 0600 key file", async () => {
    const run = await runCli(["db", "rotate-key", "--json"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { keyId: string; keyFile: string; reencrypted: number };
    expect(result).toMatchObject({ keyId: "k2", reencrypted: 1 });
    expect(statSync(result.keyFile).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(join(dir, "powertoken.config.json"), "utf8")) as { encryption: { keyId: string } };
    expect(config.encryption.keyId).toBe("k2");
    expect(run.stdout + run.stderr).not.toContain(readFileSync(result.keyFile, "utf8").trim());
    // The WEconnect token decrypts with the new key: status reads its health.
    const status = await runCli(["status", "--json"], { cwd: dir, env });
    const carol = (JSON.parse(status.stdout) as { participants: { tokens: { weconnect: string } }[] }).participants[0];
    expect(carol?.tokens.weconnect).toBe("ok");
  });

  it("removes a participant only with --yes", async () => {
    expect((await runCli(["participants", "remove", "carol"], { cwd: dir, env })).code).toBe(2);
    expect((await runCli(["participants", "remove", "carol", "--yes"], { cwd: dir, env })).code).toBe(0);
    const show = await runCli(["participants", "show", "carol"], { cwd: dir, env });
    expect(show.code).toBe(1);
    expect(show.stderr).toMatch(/^Core PARTICIPANT_NOT_FOUND: /);
  });
});
