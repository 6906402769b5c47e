import { PassThrough } from "node:stream";
import { main } from "../../src/main.js";

/** What one in-process CLI run produced. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command line through the CLI's `main` in this process (no child process: the bad-input
 * table has dozens of cases), with its own streams, environment and working folder.
 */
export async function runInProcess(argv: readonly string[], options: { cwd: string; env?: Record<string, string>; input?: string | Buffer }): Promise<InProcessRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const stdin = new PassThrough();
  stdin.end(options.input ?? "");
  const code = await main(argv, {
    streams: { stdout, stderr },
    env: { NO_COLOR: "1", TZ: "UTC", ...options.env },
    cwd: options.cwd,
    stdin,
  });
  return { code, stdout: out, stderr: err };
}
