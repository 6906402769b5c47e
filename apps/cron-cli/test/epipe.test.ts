import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI, tempDir } from "./helpers/cli.js";
import { runInProcess } from "./helpers/in-process.js";

describe("a closed pipe", () => {
  it("ends quietly when the reader goes away (`powertoken … | head -1`): no EPIPE stack trace", async () => {
    const dir = tempDir();
    expect((await runInProcess(["init", "--time-zone", "UTC"], { cwd: dir })).code).toBe(0);
    writeFileSync(`${dir}/r.csv`, `name\n${Array.from({ length: 3000 }, (_, i) => `participant-${i}`).join("\n")}\n`);
    expect((await runInProcess(["participants", "import", "r.csv"], { cwd: dir })).code).toBe(0);
    // The reader takes one chunk and closes its end, as `head -1` does.
    const child = spawn(process.execPath, [CLI, "participants", "list"], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  }, 60_000);
});
