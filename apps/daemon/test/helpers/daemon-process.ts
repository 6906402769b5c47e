import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built bin under test. */
export const DAEMON_BIN = fileURLToPath(new URL("../../dist/daemon.js", import.meta.url));

/** A daemon child process and its parsed JSON log lines. */
export interface DaemonProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitFor(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `node dist/daemon.js` with `env` on top of a minimal environment (never the parent's POWERTOKEN_*). */
export function startDaemonProcess(env: Record<string, string>, args: string[] = [], options: { cwd?: string } = {}): DaemonProcess {
  const child = spawn(process.execPath, [DAEMON_BIN, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { PATH: process.env["PATH"] ?? "", TZ: "UTC", POWERTOKEN_LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let out = "";
  let err = "";
  let partial = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    partial += chunk;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const text of parts) {
      if (text.trim() === "") continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(match, timeoutMs = 20_000) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${err.slice(0, 2000)}`)), timeoutMs);
        waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}
