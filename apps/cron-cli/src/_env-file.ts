import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { CliError } from "./_errors.js";

/**
 * The environment a command runs with when `--env-file` names a file: the file's `KEY=value`
 * lines fill in what the process environment lacks (a variable that is set wins, as with Node's
 * own `--env-file`). Cron starts jobs with an almost empty environment, so secrets kept in a
 * shell's `export`s never reach them; the crontab lines name this file instead.
 *
 * The file holds secrets, so it must not be readable by group or others (mode 0600 or 0400):
 * otherwise it is refused before anything is read from it.
 * @throws CliError ENV_FILE (missing, not a file, readable by others, not UTF-8)
 */
export function environmentWithFile(
  env: Readonly<Record<string, string | undefined>>,
  file: string | undefined,
  cwd: string,
): Readonly<Record<string, string | undefined>> {
  if (file === undefined) return env;
  const path = resolve(cwd, file);
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CliError("ENV_FILE", `--env-file ${path} is not a file.`);
    mode = stat.mode;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError("ENV_FILE", `--env-file ${path} cannot be read (${(error as { code?: string }).code ?? "error"}). Check the path in the crontab line.`);
  }
  if ((mode & 0o077) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(4, "0");
    throw new CliError("ENV_FILE", `--env-file ${path} is readable by other users (mode ${shown}); it holds secrets. Run \`chmod 600 ${path}\` and try again.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
  } catch {
    throw new CliError("ENV_FILE", `--env-file ${path} is not valid UTF-8 text.`);
  }
  const fromFile = parseEnv(text);
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}
