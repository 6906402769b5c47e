import { join } from "node:path";
import { findParticipantByName, listAudit, openDatabase } from "@powertoken/db";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

describe("participants pause / resume", () => {
  let dir: string;
  const state = async (name: string) => {
    const handle = await openDatabase({ url: join(dir, "powertoken-data/powertoken.sqlite"), create: false });
    try {
      const p = await findParticipantByName(handle.db, name);
      const audit = (await listAudit(handle.db, { participantId: p!.id })).filter((a) => a.action.startsWith("participant-"));
      return { pausedAt: p!.pausedAt, audit: audit.map((a) => `${a.action}: ${a.detail ?? ""}`).sort() };
    } finally {
      await handle.close();
    }
  };

  beforeAll(async () => {
    dir = tempDir("powertoken-pause-");
    for (const argv of [["init", "--time-zone", "UTC"], ["participants", "add", "hana"], ["participants", "add", "ivo"]]) expect((await runInProcess(argv, { cwd: dir })).code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pauses with a reason for the audit log, says so in status, and a second pause changes nothing", async () => {
    const run = await runInProcess(["participants", "pause", "hana", "--reason", "in hospital"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr + run.stdout).toMatch(/Paused hana \(id \d+\): not polled or maintained until `powertoken participants resume \d+`/);
    const first = await state("hana");
    expect(first.pausedAt).toBeInstanceOf(Date);
    expect(first.audit).toEqual(["participant-paused: in hospital"]);

    const again = await runInProcess(["participants", "pause", "hana", "--json"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, paused: { name: "hana", pausedAt: first.pausedAt!.toISOString() } });
    expect(await state("hana")).toEqual(first);

    const status = await runInProcess(["status"], { cwd: dir });
    expect(status.stdout).toMatch(/hana.*paused since/);
    expect(status.stdout).not.toMatch(/ivo.*paused since/);
  });

  it("resumes by id, and resuming a participant who is not paused changes nothing", async () => {
    const { stdout } = await runInProcess(["participants", "show", "hana", "--json"], { cwd: dir });
    const id = String((JSON.parse(stdout) as { participant?: { id: number }; id?: number }).participant?.id ?? (JSON.parse(stdout) as { id: number }).id);
    const run = await runInProcess(["participants", "resume", id, "--json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ changed: true, resumed: { name: "hana" } });
    expect(await state("hana")).toEqual({ pausedAt: null, audit: ["participant-paused: in hospital", "participant-resumed: resumed by staff"] });
    const again = await runInProcess(["participants", "resume", "ivo"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr + again.stdout).toContain("ivo (id 2) was not paused; nothing changed.");
  });

  it("names an unknown participant (exit 1) and wants a name (exit 2)", async () => {
    const unknown = await runInProcess(["participants", "pause", "nobody"], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("nobody");
    expect((await runInProcess(["participants", "resume"], { cwd: dir })).code).toBe(2);
  });

  it("shows examples in its help", async () => {
    const help = await runInProcess(["participants", "pause", "--help"], { cwd: dir });
    expect(help.stdout).toContain("powertoken participants pause 7 --reason");
    const group = await runInProcess(["participants", "--help"], { cwd: dir });
    expect(group.stdout).toContain("pause");
    expect(group.stdout).toContain("resume");
  });
});
