import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { crontabLines, defaultLogDir } from "../_crontab.js";

export default command({
  name: "powertoken crontab",
  description: "Print the two cron lines (maintenance hourly, poll every 15 minutes) with absolute paths.",
  examples: [
    "powertoken crontab --config /srv/study/powertoken.config.json",
    "(crontab -l 2>/dev/null; powertoken crontab) | crontab -",
    "powertoken crontab --log-dir /var/log/powertoken",
  ],
  args: {
    "log-dir": { type: "string", description: "Folder for maintenance.log and poll.log (default: logs/ beside the config)", valueHint: "dir" },
  },
  run(args, env) {
    // The config must load now, so a broken one is found today rather than by cron at 3 am.
    const { path, config } = loadCliConfig(args, env);
    const logDir = resolve(env.cwd, args["log-dir"] ?? defaultLogDir(path, env.cwd));
    const lines = crontabLines({
      nodePath: process.execPath,
      cliPath: realpathSync(process.argv[1] ?? "powertoken"),
      configPath: path,
      logDir,
      maintenanceSchedule: config.daemon.maintenanceSchedule,
      pollSchedule: config.daemon.pollSchedule,
    });
    env.out.result({ lines: lines.filter((l) => !l.startsWith("#")), logDir, configPath: path }, () => {
      for (const line of lines) env.out.line(line);
    });
  },
});
