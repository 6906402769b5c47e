import { renderUsage, type ArgsDef, type CommandDef } from "citty";
import { commandExamples, commandGroup } from "./_command.js";
import { UsageError } from "./_errors.js";

/** The command a command line names, and the arguments left for it. */
export interface ResolvedCommand {
  cmd: CommandDef<ArgsDef>;
  rest: string[];
  help: boolean;
}

const HELP = new Set(["--help", "-h"]);
const GLOBAL_WITH_VALUE = new Set(["--config"]);

/**
 * Walks the subcommands named on the command line. Global flags may come before the command
 * (`powertoken --config x.json poll`), which citty 0.1 would read as a command name.
 * @throws UsageError for an unknown or missing command (unless `--help` was asked)
 */
export async function resolveCommand(root: CommandDef<ArgsDef>, argv: readonly string[]): Promise<ResolvedCommand> {
  const help = argv.some((a) => HELP.has(a));
  let cmd = root;
  let rest = argv.filter((a) => !HELP.has(a));
  for (;;) {
    const subCommands = await resolveValue(cmd.subCommands);
    if (subCommands === undefined || Object.keys(subCommands).length === 0) return { cmd, rest, help };
    const index = firstWord(rest);
    if (index === -1) {
      if (help || cmd.run !== undefined) return { cmd, rest, help: true };
      throw withCommand(new UsageError("No command given."), cmd);
    }
    const name = rest[index] as string;
    const next = subCommands[name];
    if (next === undefined) throw withCommand(new UsageError(`Unknown command \`${name}\`.`), cmd);
    cmd = await resolveValue(next);
    rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
  }
}

function firstWord(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith("-")) return i;
  }
  return -1;
}

/**
 * citty 0.1 ignores unknown flags and extra words; a typo in a cron line must fail loudly instead.
 * @throws UsageError naming the first bad flag or argument
 */
export async function validateArgs(cmd: CommandDef<ArgsDef>, rest: readonly string[]): Promise<void> {
  const defs = await resolveValue(cmd.args ?? {});
  const byName = new Map<string, { type: string; name: string }>();
  let positionals = 0;
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") {
      positionals++;
      continue;
    }
    const entry = { type: def.type ?? "boolean", name };
    for (const alias of [name, kebab(name), ...toArray((def as { alias?: string | string[] }).alias)]) byName.set(alias, entry);
  }
  let words = 0;
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    if (token === "--") {
      words += rest.length - i - 1;
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      words++;
      continue;
    }
    const body = token.replace(/^--?/, "");
    const [rawName, inline] = splitOnce(body, "=");
    const negated = rawName.startsWith("no-") && byName.get(rawName.slice(3))?.type === "boolean";
    const def = byName.get(negated ? rawName.slice(3) : rawName);
    if (def === undefined) throw withCommand(new UsageError(`Unknown option \`${token}\`.`), cmd);
    if (def.type === "string" && inline === undefined) {
      const value = rest[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2)) {
        throw withCommand(new UsageError(`Option \`--${def.name}\` needs a value.`), cmd);
      }
      i++;
    }
  }
  if (words > positionals) throw withCommand(new UsageError(`Unexpected argument \`${rest.filter((t) => !t.startsWith("-"))[positionals] ?? ""}\`.`), cmd);
}

/** `--help` text: citty's usage plus the examples registered with the command. */
export async function helpText(cmd: CommandDef<ArgsDef>): Promise<string> {
  const usage = await groupUsage(cmd) ?? (await renderUsage(cmd));
  const examples = commandExamples(cmd);
  if (examples.length === 0) return usage;
  return `${usage}\n\nEXAMPLES\n\n${examples.map((e) => `  ${e}`).join("\n")}\n`;
}

async function groupUsage(cmd: CommandDef<ArgsDef>): Promise<string | undefined> {
  const group = commandGroup(cmd);
  if (group === undefined) return undefined;
  const meta = await resolveValue(cmd.meta ?? {});
  const names = Object.keys(group);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `${meta.description ?? ""} (${meta.name ?? ""})`,
    "",
    `USAGE \`${meta.name ?? ""} [--config <path>] [--json] ${names.join("|")}\``,
    "",
    "COMMANDS",
    "",
    ...names.map((n) => `  ${n.padEnd(width)}  ${group[n]?.description ?? ""}`),
    "",
    `Use \`${meta.name ?? ""} <command> --help\` for more information about a command.`,
  ].join("\n");
}

const commandOf = new WeakMap<Error, CommandDef<ArgsDef>>();

/** Remembers which command a usage error belongs to, so its usage is the one printed. */
export function withCommand<E extends Error>(error: E, cmd: CommandDef<ArgsDef>): E {
  commandOf.set(error, cmd);
  return error;
}

/** The command a usage error was raised for, if known. */
export function commandOfError(error: unknown): CommandDef<ArgsDef> | undefined {
  return error instanceof Error ? commandOf.get(error) : undefined;
}

async function resolveValue<T>(value: T | Promise<T> | (() => T) | (() => Promise<T>)): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const toArray = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i === -1 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}
