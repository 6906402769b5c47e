import { parseArgs } from "node:util";
import { DaemonError } from "./errors.js";

/** The daemon's command line. */
export interface DaemonArgs {
  config: string | undefined;
  help: boolean;
  /** `--no-schedules`: serve HTTP (pages, health, metrics) but run no job; cron runs them. */
  noSchedules: boolean;
}

/** Usage text for `--help` and usage errors. */
export const USAGE = `Usage: powertoken-daemon [--config <path>] [--no-schedules]

Runs PowerToken's polling and maintenance on their schedules until SIGTERM/SIGINT, and serves
/healthz, /readyz, /metrics and (with web.publicUrl set) the participant pages and the dashboard.

  --config <path>  config file (default: $POWERTOKEN_CONFIG, then ./powertoken.config.json)
  --no-schedules   run no job, only serve HTTP (when cron runs poll and maintenance)
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
      options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" }, "no-schedules": { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    });
    return { config: values.config, help: values.help === true, noSchedules: values["no-schedules"] === true };
  } catch (cause) {
    throw new DaemonError("USAGE", `${(cause as Error).message}\n\n${USAGE}`, { cause });
  }
}
