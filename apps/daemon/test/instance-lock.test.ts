import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

  it("treats an empty or garbage lock file younger than a minute as held: another daemon may be starting", () => {
    for (const text of ["", "garbage"]) {
      const db = tempDb();
      writeFileSync(`${db}.daemon.lock`, text);
      expect(() => acquireInstanceLock(db, "r4")).toThrow(expect.objectContaining({ code: "INSTANCE_LOCKED", message: expect.stringContaining("less than a minute old") as unknown }));
      expect(readFileSync(`${db}.daemon.lock`, "utf8")).toBe(text);
    }
  });

  it("takes over an unreadable lock file older than a minute and says so", () => {
    const db = tempDb();
    writeFileSync(`${db}.daemon.lock`, "");
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(`${db}.daemon.lock`, old, old);
    const lock = acquireInstanceLock(db, "r4");
    expect(lock.takeover).toMatchObject({ reason: "unreadable" });
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid, replica: "r4" });
    lock.release();
  });

  it("reports the dead holder it took over, so its replica can be named in the log", () => {
    const db = tempDb();
    const pid = deadPid();
    writeFileSync(`${db}.daemon.lock`, JSON.stringify({ pid, hostname: hostname(), replica: "dead-one", since: "x" }));
    const lock = acquireInstanceLock(db, "r7");
    expect(lock.takeover).toEqual({ reason: "holder-dead", previous: { pid, hostname: hostname(), replica: "dead-one", since: "x" } });
    lock.release();
  });

  it("publishes the lock whole: no draft file is left beside it", () => {
    const db = tempDb();
    const lock = acquireInstanceLock(db, "r8");
    expect(readdirSync(dirname(db)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(lock.takeover).toBeUndefined();
    lock.release();
  });

  it("says which folder is missing instead of ENOENT", () => {
    const db = join(tempDb(), "..", "nowhere", "powertoken.sqlite");
    expect(() => acquireInstanceLock(db, "r9")).toThrow(expect.objectContaining({ code: "DATA_FOLDER_UNUSABLE", message: expect.stringContaining("powertoken init") as unknown }));
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
