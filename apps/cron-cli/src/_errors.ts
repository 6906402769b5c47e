import { dbErrorOf, isPowerTokenError } from "@powertoken/core";

/** Bad command-line usage (unknown flag, missing argument, bad value): exit 2 with the usage text. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "USAGE";
}

/** Why a command of the CLI itself failed (the packages' errors pass through as they are). */
export type CliErrorCode =
  | "NOT_FOUND" // a participant (or other named thing) does not exist
  | "ALREADY_EXISTS" // `init` would overwrite files, a participant name is taken
  | "ROSTER_INVALID" // `participants import`: rows failed validation; `details` lists them by line
  | "INPUT_REQUIRED" // a value must be typed or piped in and none came
  | "OAUTH_FAILED" // the loopback redirect did not complete (timeout, wrong state)
  | "NOT_CONFIGURED" // a setting the command needs is missing (e.g. an OAuth client id)
  | "ENV_FILE" // `--env-file` is missing, readable by others, or not UTF-8
  | "ROSTER_ENCODING"; // a roster is not valid UTF-8 (the message names the line)

/** The CLI's own error; `details` are extra lines (e.g. one per bad roster row). */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: CliErrorCode;
  readonly details: readonly string[];
  constructor(code: CliErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** Exit codes of every command (the README's table). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** How an error is shown: one line for a known `code`, usage for bad flags, the stack otherwise. */
export interface ErrorReport {
  exitCode: 1 | 2;
  /** One line for the user (or the stack for an unknown error). */
  text: string;
  /** Print the command's usage after the text. */
  showUsage: boolean;
  /** Machine-readable form for `--json`. */
  json: { name: string; code: string; message: string; key?: string; details?: readonly string[] };
}

const CLI_ERRORS: ReadonlySet<string> = new Set(["CliError"]);

interface CodedError extends Error {
  code: string;
  key?: string;
}

function isCoded(error: unknown, names: ReadonlySet<string>): error is CodedError {
  return error instanceof Error && names.has(error.name) && typeof (error as CodedError).code === "string";
}

/**
 * The one function that turns any thrown value into what the user sees and the exit code.
 * Errors are recognised by `name` + `code` (a dual ESM/CJS package can be loaded twice).
 * A raw driver error that db can name (a held SQLite lock, damaged pages, PostgreSQL's
 * equivalents) is shown as db's typed error, so no command, present or future, prints a stack for
 * it. `withDatabase` already did that naming the file; here the file is not known.
 */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof UsageError || isCoded(error, new Set(["CLIError"]))) {
    const message = (error as Error).message;
    return { exitCode: 2, text: message, showUsage: true, json: { name: "UsageError", code: "USAGE", message } };
  }
  const known: CodedError | undefined = isPowerTokenError(error) || isCoded(error, CLI_ERRORS) ? (error as CodedError) : (dbErrorOf(error) as CodedError | undefined);
  if (known !== undefined) {
    const configProblem =
      (known.name === "CoreError" && (known.code === "CONFIG_INVALID" || known.code === "CONFIG_NOT_FOUND")) || (known.name === "CliError" && known.code === "ENV_FILE");
    const label = known.name.replace(/Error$/, "");
    const details = detailsOf(known);
    const json = {
      name: known.name,
      code: known.code,
      message: known.message,
      ...(keyOf(known) === undefined ? {} : { key: keyOf(known) }),
      ...(details.length === 0 ? {} : { details }),
    };
    // Only the CLI's own details are printed (one per bad roster row); a package's (e.g. every
    // problem SQLite's integrity check found) go to --json alone: the text stays one line.
    const printed = known instanceof CliError ? details : [];
    const text = [`${label} ${known.code}: ${known.message}`, ...printed.map((d) => `  ${d}`)].join("\n");
    return { exitCode: configProblem ? 2 : 1, text, showUsage: false, json };
  }
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: 1, text: stack, showUsage: false, json: { name: error instanceof Error ? error.name : "Error", code: "UNEXPECTED", message } };
}

/** An error's extra lines: CliError's, or a package error's string `details` (DbError's). */
function detailsOf(error: Error): readonly string[] {
  const details = (error as { details?: unknown }).details;
  return Array.isArray(details) && details.every((d) => typeof d === "string") ? (details as string[]) : [];
}

/** The config key or input field an error names (CoreError's `key`), if any. */
function keyOf(error: Error): string | undefined {
  const key = (error as { key?: unknown }).key;
  return typeof key === "string" ? key : undefined;
}
