import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireInstanceLock } from "../src/instance-lock.js";

const tempDb = () => join(mkdtempSync(join(tmpdir(), "pt-lock-")), "powertoken.sqlite");

/** The pid of a process that has exited (a dead holder). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("acquireInstanceLock", () => {
  it("creates <database>.daemon.lock and removes it on release", () => {
    const db = tempDb();
    const lock = acquireInstanceLock(db, "r1");
    expect(lock.path).toBe(`${db}.daemon.lock`);
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid, replica: "r1" });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it("refuses while a live process holds the lock, with a message naming it and what to do", () => {
    const db = tempDb();
    writeFileSync(`${db}.daemon.lock`, JSON.stringify({ pid: process.ppid, hostname: hostname(), replica: "other", since: "2026-03-02T10:00:00.000Z" }));
    expect(() => acquireInstanceLock(db, "r2")).toThrow(
      expect.objectContaining({ code: "INSTANCE_LOCKED", message: expect.stringContaining(`pid ${process.ppid}`) as unknown }),
    );
    expect(() => acquireInstanceLock(db, "r2")).toThrow(/run several only against PostgreSQL/);
  });

  it("takes over a lock whose process is gone", () => {
    const db = tempDb();
    writeFileSync(`${db}.daemon.lock`, JSON.stringify({ pid: deadPid(), hostname: hostname(), replica: "dead", since: "x" }));
    const lock = acquireInstanceLock(db, "r3");
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid, replica: "r3" });
    lock.release();
  });

  it("takes over an empty lock file left by a crash between create and write", () => {
    const db = tempDb();
    writeFileSync(`${db}.daemon.lock`, "");
    acquireInstanceLock(db, "r4").release();
  });

  it("refuses a lock held from another host, since it cannot check that pid", () => {
    const db = tempDb();
    writeFileSync(`${db}.daemon.lock`, JSON.stringify({ pid: deadPid(), hostname: "elsewhere", replica: "x", since: "x" }));
    expect(() => acquireInstanceLock(db, "r5")).toThrow(expect.objectContaining({ code: "INSTANCE_LOCKED" }));
  });

  it("does not release a lock that another process has since taken over", () => {
    const db = tempDb();
    const lock = acquireInstanceLock(db, "r6");
    writeFileSync(lock.path, JSON.stringify({ pid: 1, hostname: hostname(), replica: "new", since: "x" }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});
