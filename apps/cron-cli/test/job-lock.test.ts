import { existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { listJobRuns, openDatabase, startJobRun } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { takeJobLock } from "../src/_job-lock.js";
import { tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

const CLIENT = { POWERTOKEN_GOOGLE_CLIENT_ID: "client-id", POWERTOKEN_GOOGLE_CLIENT_SECRET: "client-secret" };
let dir: string;
let lockFile: string;

beforeAll(async () => {
  dir = tempDir("powertoken-lock-");
  for (const argv of [["init", "--time-zone", "UTC"], ["participants", "add", "alice"]]) {
    const run = await runInProcess(argv, { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
  }
  lockFile = join(dir, "powertoken-data/powertoken.sqlite.poll.lock");
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the CLI's per-job lock", () => {
  it("skips a poll while another live poll holds the lock, says so, and exits 0", async () => {
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: "2026-11-30T12:00:00.000Z" }));
    try {
      const run = await runInProcess(["poll"], { cwd: dir, env: CLIENT });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).toContain(`poll skipped: another poll run (pid ${process.pid}`);
      expect(run.stdout + run.stderr).not.toContain("polled of");
      expect(existsSync(lockFile)).toBe(true);
    } finally {
      rmSync(lockFile, { force: true });
    }
  });

  it("reports the skip under --json", async () => {
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: "2026-11-30T12:00:00.000Z" }));
    try {
      const run = await runInProcess(["poll", "--json"], { cwd: dir, env: CLIENT });
      expect(JSON.parse(run.stdout)).toMatchObject({ job: "poll", skipped: "locked", holder: { pid: process.pid } });
    } finally {
      rmSync(lockFile, { force: true });
    }
  });

  it("takes over the lock of a process that died (SIGKILL), closes the run it left open as failed, and removes the lock when done", async () => {
    const deadPid = 2 ** 22 + 12345;
    const database = await openDatabase({ url: join(dir, "powertoken-data/powertoken.sqlite"), create: false });
    try {
      await startJobRun(database.db, { job: "poll", owner: `cli:${hostname()}:${deadPid}`, startedAt: new Date("2026-11-30T12:00:00Z") });
    } finally {
      await database.close();
    }
    writeFileSync(lockFile, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: "2026-11-30T12:00:00.000Z" }));
    const run = await runInProcess(["poll"], { cwd: dir, env: CLIENT });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("polled of");
    expect(run.stderr).toContain(`the previous run (pid ${deadPid} on ${hostname()}, started 2026-11-30T12:00:00.000Z) ended without finishing; took over its lock and recorded that run as failed`);
    expect(existsSync(lockFile)).toBe(false);
    const after = await openDatabase({ url: join(dir, "powertoken-data/powertoken.sqlite"), create: false });
    try {
      const dead = (await listJobRuns(after.db, { job: "poll" })).filter((r) => r.owner === `cli:${hostname()}:${deadPid}`);
      expect(dead).toEqual([expect.objectContaining({ outcome: "failed", error: expect.stringContaining(`pid ${deadPid}`) })]);
      expect(dead[0]?.finishedAt).toBeInstanceOf(Date);
    } finally {
      await after.close();
    }
  });

  it("never breaks the lock of another host", () => {
    writeFileSync(lockFile, JSON.stringify({ pid: 1, host: "other-host.example", startedAt: "x" }));
    try {
      expect(takeJobLock(lockFile)).toMatchObject({ held: true, holder: { host: "other-host.example" } });
    } finally {
      rmSync(lockFile, { force: true });
    }
  });

  it("gives the lock to one taker at a time, and again after release", () => {
    const first = takeJobLock(lockFile);
    expect(first.held).toBe(false);
    expect(takeJobLock(lockFile).held).toBe(true);
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toMatchObject({ pid: process.pid });
    if (!first.held) first.release();
    const again = takeJobLock(lockFile);
    expect(again.held).toBe(false);
    if (!again.held) again.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it("never takes over a lock file that another taker is still publishing (empty and fresh), but does take an old unreadable one", () => {
    // The race that let two real polls run at once: the second read the first's created-but-empty file as a dead holder's.
    writeFileSync(lockFile, "");
    try {
      expect(takeJobLock(lockFile)).toMatchObject({ held: true });
      expect(readFileSync(lockFile, "utf8")).toBe("");
      const old = new Date(Date.now() - 5 * 60_000);
      utimesSync(lockFile, old, old);
      const taken = takeJobLock(lockFile);
      expect(taken.held).toBe(false);
      expect(JSON.parse(readFileSync(lockFile, "utf8"))).toMatchObject({ pid: process.pid });
      if (!taken.held) taken.release();
      // No draft file is left beside the lock.
      expect(readdirSync(join(dir, "powertoken-data")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    } finally {
      rmSync(lockFile, { force: true });
    }
  });

  it("a dry run takes no lock", async () => {
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: "x" }));
    try {
      const run = await runInProcess(["poll", "--dry-run"], { cwd: dir, env: CLIENT });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("polled of");
    } finally {
      rmSync(lockFile, { force: true });
    }
  });
});
