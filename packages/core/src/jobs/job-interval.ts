import type { PowerTokenConfig } from "../config/schema.js";
import type { JobName } from "@powertoken/db";

const DEFAULT_MINUTES: Record<JobName, number> = { poll: 15, maintenance: 60 };

/**
 * How often a job is expected to run, in minutes, read from the daemon's cron schedule
 * (`daemon.pollSchedule`, `daemon.maintenanceSchedule`): `*\/N * * * *` is every N minutes, a
 * fixed minute every hour is 60, a fixed minute and hour every day is 1440. A schedule of any
 * other shape falls back to the defaults (poll 15, maintenance 60), which is also what the
 * crontab written by `powertoken crontab` uses.
 */
export function jobIntervalMinutes(config: Pick<PowerTokenConfig, "daemon">, job: JobName): number {
  const schedule = job === "poll" ? config.daemon.pollSchedule : config.daemon.maintenanceSchedule;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || fields.slice(2).some((f) => f !== "*")) return DEFAULT_MINUTES[job];
  const [minute, hour] = fields as [string, string];
  const every = /^\*\/(\d+)$/.exec(minute);
  if (every && hour === "*") return Math.max(1, Number(every[1]));
  if (/^\d+$/.test(minute) && hour === "*") return 60;
  if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) return 1440;
  return DEFAULT_MINUTES[job];
}
