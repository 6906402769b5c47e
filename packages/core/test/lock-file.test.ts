import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isProcessAlive, lockFileAgeMs, publishLockFile, readLockFile, removeLockFile } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pt-lock-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lock file primitives", () => {
  it("publishes once, whole and private; a second publish finds it taken; removal frees it", () => {
    const path = join(dir, "job.lock");
    expect(publishLockFile(path, "first")).toBe(true);
    expect(publishLockFile(path, "second")).toBe(false);
    expect(readLockFile(path)).toBe("first");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    removeLockFile(path);
    removeLockFile(path); // already gone: fine
    expect(readLockFile(path)).toBeNull();
    expect(publishLockFile(path, "third")).toBe(true);
  });

  it("leaves no draft file behind, and throws the file system's error for a missing folder", () => {
    expect(() => publishLockFile(join(dir, "missing", "x.lock"), "x")).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(readLockFile(join(dir, "missing", "x.lock"))).toBeNull();
  });

  it("ages a file by its last write, and a missing one as infinitely old", () => {
    const path = join(dir, "aged.lock");
    publishLockFile(path, "x");
    const written = statSync(path).mtimeMs;
    expect(lockFileAgeMs(path, new Date(written + 90_000))).toBeCloseTo(90_000, -1);
    expect(lockFileAgeMs(join(dir, "none.lock"), new Date())).toBe(Number.POSITIVE_INFINITY);
  });

  it("tells a live process from a pid that is not in use", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 12_345)).toBe(false);
  });
});
