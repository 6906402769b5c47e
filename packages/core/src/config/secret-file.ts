import { readFileSync, statSync } from "node:fs";
import { CoreError } from "../errors.js";

/**
 * The secret held in a file (an OAuth client secret), trimmed of the line break editors add.
 * Cron starts jobs without the shell's exported secrets, so the config can name a file instead
 * (issue 15 item 2). Like `--env-file`, the file must not be readable by group or others: a
 * secret in a world-readable file is not a secret. The content never appears in a message.
 * @throws CoreError CONFIG_INVALID naming the key, the file and what to do (missing, not a file, readable by others, empty)
 */
export function readSecretFile(path: string, key: string): string {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CoreError("CONFIG_INVALID", `${key}: ${path} is not a file. Point ${key} at the file holding the secret.`, { key });
    mode = stat.mode;
  } catch (error) {
    if (error instanceof CoreError) throw error;
    throw new CoreError("CONFIG_INVALID", `${key}: ${path} cannot be read (${(error as { code?: string }).code ?? "error"}). Check the path, or set the secret itself instead.`, { key });
  }
  if ((mode & 0o077) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(4, "0");
    throw new CoreError("CONFIG_INVALID", `${key}: ${path} is readable by other users (mode ${shown}); it holds a secret. Run \`chmod 600 ${path}\` and try again.`, { key });
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new CoreError("CONFIG_INVALID", `${key}: ${path} cannot be read (${(error as { code?: string }).code ?? "error"}). Check its owner and mode.`, { key });
  }
  if (text === "") throw new CoreError("CONFIG_INVALID", `${key}: ${path} is empty. Put the secret in it, on one line.`, { key });
  return text;
}
