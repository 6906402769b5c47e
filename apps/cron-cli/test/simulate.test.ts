import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI, tempDir } from "./helpers/cli.js";

describe("simulate", () => {
  it("serves both simulators until SIGINT, printing where they listen", async () => {
    const child = spawn(process.execPath, [CLI, "simulate", "--json"], { cwd: tempDir(), env: { PATH: process.env["PATH"] ?? "", NO_COLOR: "1" } });
    let stdout = "";
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0] as string);
      });
      child.on("close", (code) => reject(new Error(`simulate exited early (${code})`)));
    });
    const info = JSON.parse(first) as { weconnect: string; tracker: { url: string; backend: string }; env: Record<string, string> };
    expect(info.tracker.backend).toBe("google-health");
    expect(info.env["POWERTOKEN_WECONNECT_URL"]).toBe(info.weconnect);
    // The WEconnect simulator answers LoopBack-style: a login without credentials is refused, not dropped.
    const login = await fetch(`${info.weconnect}/People/login`, { method: "POST" });
    expect(login.status).toBeGreaterThanOrEqual(400);
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
