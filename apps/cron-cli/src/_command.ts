import { defineCommand, type ArgsDef, type CommandDef, type ParsedArgs } from "citty";
import type { Output } from "./_output.js";

/** What every command's `run` receives besides its parsed flags (handed in by `main`). */
export interface CommandEnv {
  out: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Aborted on Ctrl-C / SIGTERM: long runs stop starting new participants. */
  signal: AbortSignal;
}

/** The flags every command accepts. */
export const globalArgs = {
  config: { type: "string", description: "Config file (default: $POWERTOKEN_CONFIG, then ./powertoken.config.json)", valueHint: "path" },
  json: { type: "boolean", description: "Print the result as JSON on stdout (messages go to stderr)" },
  "env-file": { type: "string", description: "KEY=value file (mode 0600) filling in unset environment variables; what cron lines use", valueHint: "path" },
} as const satisfies ArgsDef;

/** A command as written in `src/commands/`: citty's definition plus examples for `--help`. */
export interface CommandSpec<T extends ArgsDef = Record<never, never>> {
  /** Full path, e.g. `powertoken participants add`. */
  name: string;
  description: string;
  examples?: readonly string[];
  args?: T;
  /** Returns the exit code (0 when omitted). */
  run?: (args: ParsedArgs<T & typeof globalArgs>, env: CommandEnv) => Promise<number | void> | number | void;
  /** Subcommands, loaded only when named (their descriptions are listed without loading them). */
  subCommands?: Record<string, LazyCommand>;
}

/** A subcommand that is imported only when run. */
export interface LazyCommand {
  description: string;
  load: () => Promise<CommandDef<ArgsDef>>;
}

const examplesOf = new WeakMap<object, readonly string[]>();
const subcommandsOf = new WeakMap<object, Readonly<Record<string, LazyCommand>>>();

/** The subcommands of a group command with their descriptions, without importing them. */
export function commandGroup(cmd: object): Readonly<Record<string, LazyCommand>> | undefined {
  return subcommandsOf.get(cmd);
}

/** The `--help` examples registered for a command. */
export function commandExamples(cmd: object): readonly string[] {
  return examplesOf.get(cmd) ?? [];
}

/** Defines one command: citty's `defineCommand` with the global flags added and examples kept. */
export function command<T extends ArgsDef = Record<never, never>>(spec: CommandSpec<T>): CommandDef<ArgsDef> {
  const run = spec.run;
  const args = { ...(spec.args ?? ({} as T)), ...globalArgs };
  const def = defineCommand({
    meta: { name: spec.name, description: spec.description },
    args: run === undefined ? globalArgs : args,
    ...(spec.subCommands === undefined
      ? {}
      : { subCommands: Object.fromEntries(Object.entries(spec.subCommands).map(([name, sub]) => [name, sub.load])) }),
    ...(run === undefined
      ? {}
      : { run: (ctx: { args: ParsedArgs<ArgsDef>; data?: unknown }) => run(ctx.args as ParsedArgs<T & typeof globalArgs>, ctx.data as CommandEnv) }),
  }) as CommandDef<ArgsDef>;
  examplesOf.set(def, spec.examples ?? []);
  if (spec.subCommands !== undefined) subcommandsOf.set(def, spec.subCommands);
  return def;
}

/** A subcommand imported on use (keeps `powertoken --help` fast and independent of every command's imports). */
export function lazy(description: string, load: () => Promise<{ default: CommandDef<ArgsDef> }>): LazyCommand {
  return { description, load: async () => (await load()).default };
}
