import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { crontabLines, defaultLogDir, variablesCronWouldLose } from "../_crontab.js";
import { environmentWithFile } from "../_env-file.js";

export default command({
  name: "powertoken crontab",
  description: "Print the two cron lines (maintenance hourly, poll every 15 minutes) with absolute paths.",
  examples: [
    "powertoken crontab --config /srv/study/powertoken.config.json",
    "(crontab -l 2>/dev/null; powertoken crontab) | crontab -",
    "powertoken crontab --log-dir /var/log/powertoken",
    "powertoken crontab --env-file /srv/study/powertoken.env   # secrets for cron's empty environment (chmod 600)",
  ],
  args: {
    "log-dir": { type: "string", description: "Folder for maintenance.log and poll.log (default: logs/ beside the config)", valueHint: "dir" },
  },
  run(args, env) {
    // The config must load now, so a broken one is found today rather than by cron at 3 am.
    const { path, config } = loadCliConfig(args, env);
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
    });
    // Cron starts jobs with an almost empty environment: what this shell exports never reaches them.
    if (lost.length > 0) {
      env.out.log.warn(`Cron will not see ${lost.join(", ")} (set in this shell only). Put them in a file (chmod 600) and run \`powertoken crontab --env-file <file>\`.`);
    }
    env.out.result({ lines: lines.filter((l) => !l.startsWith("#")), logDir, configPath: path, envFilePath, variablesCronWouldLose: lost }, () => {
      for (const line of lines) env.out.line(line);
    });
  },
});
