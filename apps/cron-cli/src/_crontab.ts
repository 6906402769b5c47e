import { dirname, join } from "node:path";

/** What the crontab lines are built from; all paths absolute. */
export interface CrontabInput {
  nodePath: string;
  cliPath: string;
  /** The config file, or null when the environment alone configures PowerToken. */
  configPath: string | null;
  logDir: string;
  maintenanceSchedule?: string;
  pollSchedule?: string;
}

/**
 * The seed's two cron lines, with absolute paths to node, the CLI and the config, and output
 * appended to log files, so cron needs no virtualenv, shell profile or PATH.
 */
export function crontabLines(input: CrontabInput): string[] {
  const config = input.configPath === null ? "" : ` --config ${quote(input.configPath)}`;
  const base = `${quote(input.nodePath)} ${quote(input.cliPath)}`;
  const job = (schedule: string, name: string) =>
    `${schedule} ${base} ${name}${config} >> ${quote(join(input.logDir, `${name}.log`))} 2>&1`;
  return [
    "# PowerToken (install with: crontab -e, then paste; or append with `(crontab -l; powertoken crontab) | crontab -`)",
    `# Create the log folder once: mkdir -p ${quote(input.logDir)}`,
    job(input.maintenanceSchedule ?? "0 * * * *", "maintenance"),
    job(input.pollSchedule ?? "*/15 * * * *", "poll"),
  ];
}

/** The default log folder: `logs/` beside the config file (or the working directory). */
export function defaultLogDir(configPath: string | null, cwd: string): string {
  return join(configPath === null ? cwd : dirname(configPath), "logs");
}

/** Shell-quotes a path when needed; cron treats `%` as a newline, so it is escaped. */
function quote(path: string): string {
  const escaped = path.replace(/%/g, "\\%");
  return /^[\w@%+=:,./\\-]+$/.test(escaped) ? escaped : `'${escaped.replace(/'/g, `'\\''`)}'`;
}
