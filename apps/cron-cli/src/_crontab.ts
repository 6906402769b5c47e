import { dirname, join } from "node:path";

/**
 * The V8 old-space ceiling (MB) the cron lines give each job (`node --max-old-space-size`). A
 * job's live data is flat in the study's size (pages of 1,000: ~50 MB reachable at 100,000
 * participants), but V8 lets garbage grow the heap to ~260 MB before collecting, so an uncapped
 * poll peaked at 362–399 MB RSS at 100,000. Measured with packages/core/bench/scale.mjs at
 * 100,000 (core README, "Scale figures"); a 300,000-row roster import runs under it too.
 */
export const JOB_HEAP_MB = 192;

/** What the crontab lines are built from; all paths absolute. */
export interface CrontabInput {
  nodePath: string;
  cliPath: string;
  /** The config file, or null when the environment alone configures PowerToken. */
  configPath: string | null;
  /** The `--env-file` the jobs read (cron passes them no shell environment), or null. */
  envFilePath?: string | null;
  logDir: string;
  maintenanceSchedule?: string;
  pollSchedule?: string;
  /** `--max-old-space-size` for each job, in MB; null leaves V8's default. @default JOB_HEAP_MB */
  heapMb?: number | null;
}

/**
 * The seed's two cron lines, with absolute paths to node, the CLI and the config, and output
 * appended to log files, so cron needs no virtualenv, shell profile or PATH. Node gets a heap
 * ceiling (JOB_HEAP_MB unless `heapMb` says otherwise) so a job's memory stays flat.
 */
export function crontabLines(input: CrontabInput): string[] {
  const config =
    (input.configPath === null ? "" : ` --config ${quote(input.configPath)}`) +
    (input.envFilePath === undefined || input.envFilePath === null ? "" : ` --env-file ${quote(input.envFilePath)}`);
  const heapMb = input.heapMb === undefined ? JOB_HEAP_MB : input.heapMb;
  const base = `${quote(input.nodePath)}${heapMb === null ? "" : ` --max-old-space-size=${heapMb}`} ${quote(input.cliPath)}`;
  const job = (schedule: string, name: string) =>
    `${schedule} ${base} ${name}${config} >> ${quote(join(input.logDir, `${name}.log`))} 2>&1`;
  return [
    "# PowerToken (install with: crontab -e, then paste; or append with `(crontab -l; powertoken crontab) | crontab -`)",
    `# Create the log folder once: mkdir -p ${quote(input.logDir)}`,
    job(input.maintenanceSchedule ?? "0 * * * *", "maintenance"),
    job(input.pollSchedule ?? "*/15 * * * *", "poll"),
  ];
}

/**
 * The `POWERTOKEN_*` variables set in this shell that an `--env-file` does not provide: cron runs
 * the lines without them, so a job would find those settings missing.
 */
export function variablesCronWouldLose(
  shell: Readonly<Record<string, string | undefined>>,
  fromFile: Readonly<Record<string, string | undefined>>,
): string[] {
  return Object.keys(shell)
    .filter((name) => name.startsWith("POWERTOKEN_") && shell[name] !== undefined && fromFile[name] === undefined)
    .sort();
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
