import { parseArgs } from "node:util";
import { DaemonError } from "./errors.js";

/** The daemon's command line. */
export interface DaemonArgs {
  config: string | undefined;
  help: boolean;
}

/** Usage text for `--help` and usage errors. */
export const USAGE = `Usage: powertoken-daemon [--config <path>]

Runs PowerToken's polling and maintenance on their schedules until SIGTERM/SIGINT.

  --config <path>  config file (default: $POWERTOKEN_CONFIG, then ./powertoken.config.json)
  --help           show this text

Environment variables override config keys (POWERTOKEN_DATABASE_URL, POWERTOKEN_POLL_SCHEDULE, ...).`;

/**
 * Parse argv (without node and the script).
 * @throws DaemonError USAGE
 */
export function parseDaemonArgs(argv: readonly string[]): DaemonArgs {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return { config: values.config, help: values.help === true };
  } catch (cause) {
    throw new DaemonError("USAGE", `${(cause as Error).message}\n\n${USAGE}`, { cause });
  }
}
