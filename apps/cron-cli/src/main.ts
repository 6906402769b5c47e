import { runCommand, type ArgsDef, type CommandDef } from "citty";
import type { CommandEnv } from "./_command.js";
import { reportError } from "./_errors.js";
import { createOutput, type OutputStreams } from "./_output.js";
import { commandOfError, helpText, resolveCommand, validateArgs } from "./_resolve.js";
import { root } from "./root.js";

/** What `main` runs against; the real process by default, a test's own streams otherwise. */
export interface MainOptions {
  streams?: OutputStreams;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  signal?: AbortSignal;
}

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed, 2 bad usage or config.
 * Every error goes through `reportError`, the one place that decides what is printed.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const json = argv.includes("--json");
  const out = createOutput({ json, streams });
  let cmd: CommandDef<ArgsDef> = root;
  try {
    const resolved = await resolveCommand(root, argv);
    cmd = resolved.cmd;
    if (resolved.help) {
      streams.stdout.write(`${await helpText(cmd)}\n`);
      return 0;
    }
    await validateArgs(cmd, resolved.rest);
    const env: CommandEnv = {
      out,
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      stdin: options.stdin ?? process.stdin,
      signal: options.signal ?? new AbortController().signal,
    };
    const { result } = await runCommand(cmd, { rawArgs: stdinDashLast(resolved.rest), data: env });
    return typeof result === "number" ? result : 0;
  } catch (error) {
    const report = reportError(error);
    if (json) streams.stderr.write(`${JSON.stringify({ error: report.json })}\n`);
    else streams.stderr.write(`${report.text}\n`);
    if (report.showUsage) streams.stderr.write(`\n${await helpText(commandOfError(error) ?? cmd)}\n`);
    return report.exitCode;
  }
}

/**
 * citty's parser drops a lone `-` (the "read stdin" file name of `participants import -`), so the
 * positional went missing; after `--` it is kept as a word. Moves every `-` there.
 */
function stdinDashLast(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  const flags = end === -1 ? args : args.slice(0, end);
  const dashes = flags.filter((a) => a === "-");
  if (dashes.length === 0) return [...args];
  const words = end === -1 ? [] : args.slice(end + 1);
  return [...flags.filter((a) => a !== "-"), "--", ...dashes, ...words];
}
