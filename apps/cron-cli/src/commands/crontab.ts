import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { crontabLines, defaultLogDir, JOB_HEAP_MB, variablesCronWouldLose } from "../_crontab.js";
import { UsageError } from "../_errors.js";
import { environmentWithFile } from "../_env-file.js";

export default command({
  name: "powertoken crontab",
  description: "Print the two cron lines (maintenance hourly, poll every 15 minutes) with absolute paths.",
  examples: [
    "powertoken crontab --config /srv/study/powertoken.config.json",
    "(crontab -l 2>/dev/null; powertoken crontab) | crontab -",
    "powertoken crontab --log-dir /var/log/powertoken",
    "powertoken crontab --env-file /srv/study/powertoken.env   # secrets for cron's empty environment (chmod 600)",
    "powertoken crontab --heap-mb 256   # a bigger heap ceiling for each job (0: V8's default)",
  ],
  args: {
    "log-dir": { type: "string", description: "Folder for maintenance.log and poll.log (default: logs/ beside the config)", valueHint: "dir" },
    "heap-mb": { type: "string", description: `Each job's V8 heap ceiling, node --max-old-space-size (default ${JOB_HEAP_MB}; 0 leaves V8's default)`, valueHint: "MB" },
  },
  run(args, env) {
    // The config must load now, so a broken one is found today rather than by cron at 3 am.
    const { path, config } = loadCliConfig(args, env);
    const heapMb = heapCeiling(args["heap-mb"]);
    const logDir = resolve(env.cwd, args["log-dir"] ?? defaultLogDir(path, env.cwd));
    const envFilePath = args["env-file"] === undefined ? null : resolve(env.cwd, args["env-file"]);
    const fileOnly = envFilePath === null ? {} : environmentWithFile({}, envFilePath, env.cwd);
    const lost = variablesCronWouldLose(env.env, fileOnly);
    const lines = crontabLines({
      nodePath: process.execPath,
      cliPath: realpathSync(process.argv[1] ?? "powertoken"),
      configPath: path,
      envFilePath,
      logDir,
      maintenanceSchedule: config.daemon.maintenanceSchedule,
      pollSchedule: config.daemon.pollSchedule,
      heapMb,
    });
    // Cron starts jobs with an almost empty environment: what this shell exports never reaches them.
    if (lost.length > 0) {
      env.out.log.warn(`Cron will not see ${lost.join(", ")} (set in this shell only). Put them in a file (chmod 600) and run \`powertoken crontab --env-file <file>\`.`);
    }
    env.out.result({ lines: lines.filter((l) => !l.startsWith("#")), logDir, configPath: path, envFilePath, heapMb, variablesCronWouldLose: lost }, () => {
      for (const line of lines) env.out.line(line);
    });
  },
});

/** `--heap-mb`: a whole number of MB, at least 64 (a job's live data alone is ~50 MB at 100,000 participants); 0 for V8's default. */
function heapCeiling(value: string | undefined): number | null {
  if (value === undefined) return JOB_HEAP_MB;
  const mb = Number(value);
  if (mb === 0) return null;
  if (!Number.isInteger(mb) || mb < 64) throw new UsageError(`--heap-mb must be a whole number of MB, at least 64 (or 0 for V8's default); got "${value}".`);
  return mb;
}
