import type { CommandEnv } from "../../_command.js";
import { CliError } from "../../_errors.js";
import { ask, readFirstLine } from "../../_prompt.js";

/**
 * The new password: asked twice on a terminal (echo off), or the first line of a piped stdin.
 * It never goes to an argument, where `ps` and shell history would keep it.
 * @throws CliError INPUT_REQUIRED (empty, or the two entries differ)
 */
export async function readNewPassword(env: CommandEnv): Promise<string> {
  if (!env.stdin.isTTY) {
    const line = await readFirstLine(env.stdin, "password");
    if (line === "") throw new CliError("INPUT_REQUIRED", "The password is empty.");
    return line;
  }
  const first = await ask(env.stdin, "New password (hidden): ", { hidden: true });
  if (first === "") throw new CliError("INPUT_REQUIRED", "The password is empty.");
  const again = await ask(env.stdin, "Same password again: ", { hidden: true });
  if (again !== first) throw new CliError("INPUT_REQUIRED", "The two passwords differ; nothing was changed.");
  return first;
}
