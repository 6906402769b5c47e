import { join } from "node:path";
import { createRuntime, loadConfig, markInviteCompleted, markInviteOpened } from "@powertoken/core";
import { generateEncryptionKey } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type Simulators } from "../src/_simulators.js";
import { runCli, tempDir } from "./helpers/cli.js";

interface LinkJson {
  sentAt: string;
  expiresAt: string;
  openedAt: string | null;
  completedAt: string | null;
  revokedAt: string | null;
}

describe("status and participants show say where a participant's link stands", () => {
  let sims: Simulators;
  let dir: string;
  let env: Record<string, string>;

  /** Does to a link what the participant pages do when it is opened / finished. */
  async function asParticipant(mark: typeof markInviteOpened, inviteId: number): Promise<void> {
    const runtime = await createRuntime(loadConfig({ env, cwd: dir }).config, { migrate: false, create: false });
    try {
      await mark(runtime, inviteId);
    } finally {
      await runtime.close();
    }
  }

  async function statusOf(name: string): Promise<{ row: { link: LinkJson | null }; text: string }> {
    const json = await runCli(["status", "--participant", name, "--json"], { cwd: dir, env });
    expect(json.code, json.stderr).toBe(0);
    const text = await runCli(["status", "--participant", name], { cwd: dir, env });
    expect(text.code, text.stderr).toBe(0);
    return { row: (JSON.parse(json.stdout) as { participants: { link: LinkJson | null }[] }).participants[0]!, text: text.stdout };
  }

  beforeAll(async () => {
    sims = await startSimulators({ backend: "google-health" });
    dir = tempDir();
    env = {
      ...sims.env,
      POWERTOKEN_WEB_PUBLIC_URL: "https://study.example.org",
      POWERTOKEN_DATABASE_URL: `sqlite:${join(dir, "powertoken.sqlite")}`,
      POWERTOKEN_ENCRYPTION_KEY: generateEncryptionKey(),
      POWERTOKEN_ENCRYPTION_KEY_ID: "k1",
    };
    const init = await runCli(["init", "--time-zone", "UTC"], { cwd: dir, env });
    expect(init.code, init.stderr).toBe(0);
    for (const name of ["dora", "emil"]) expect((await runCli(["participants", "add", name], { cwd: dir, env })).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await sims.close();
  });

  it("shows no link before one is sent", async () => {
    const { row, text } = await statusOf("emil");
    expect(row.link).toBeNull();
    expect(text).toMatch(/link/);
    const show = await runCli(["participants", "show", "emil"], { cwd: dir, env });
    expect(show.stdout).toContain("none sent");
  });

  it("follows a link from sent to opened to completed, never printing its secret", async () => {
    const invite = await runCli(["participants", "invite", "dora", "--json"], { cwd: dir, env });
    expect(invite.code, invite.stderr).toBe(0);
    const { invites } = JSON.parse(invite.stdout) as { invites: { inviteId: number; url: string }[] };
    const { inviteId, url } = invites[0]!;
    const secret = url.split("/p/")[1]!;

    let status = await statusOf("dora");
    expect(status.row.link).toMatchObject({ openedAt: null, completedAt: null, revokedAt: null });
    expect(Date.parse(status.row.link!.sentAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(status.text).toMatch(/sent \d{4}-\d\d-\d\d \d\d:\d\d/);

    await asParticipant(markInviteOpened, inviteId);
    status = await statusOf("dora");
    expect(status.row.link!.openedAt).not.toBeNull();
    expect(status.text).toMatch(/opened \d{4}-\d\d-\d\d \d\d:\d\d/);

    await asParticipant(markInviteCompleted, inviteId);
    status = await statusOf("dora");
    expect(status.text).toMatch(/completed \d{4}-\d\d-\d\d \d\d:\d\d/);

    const show = await runCli(["participants", "show", "dora"], { cwd: dir, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/link\s+sent \S+ \S+, opened \S+ \S+, completed \S+ \S+ \(UTC\)/);
    const showJson = await runCli(["participants", "show", "dora", "--json"], { cwd: dir, env });
    const view = JSON.parse(showJson.stdout) as { links: LinkJson[] };
    expect(view.links).toHaveLength(1);
    expect(view.links[0]!.completedAt).not.toBeNull();
    for (const out of [status.text, show.stdout, showJson.stdout]) expect(out).not.toContain(secret);
  }, 60_000);

  it("says a revoked link is revoked", async () => {
    expect((await runCli(["participants", "invite", "emil"], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(["participants", "invite", "revoke", "emil"], { cwd: dir, env })).code).toBe(0);
    const { row, text } = await statusOf("emil");
    expect(row.link!.revokedAt).not.toBeNull();
    expect(text).toMatch(/revoked \d{4}-/);
  }, 60_000);
});
