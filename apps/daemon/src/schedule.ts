import { Cron } from "croner";
import { DaemonError } from "./errors.js";

/** A parsed cron expression that can say when it fires next. */
export interface Schedule {
  readonly pattern: string;
  /** The first firing strictly after `afterMs` (epoch ms), or null when the pattern never fires again. */
  next(afterMs: number): number | null;
}

/**
 * Parse a cron expression with croner: five fields (minute precision) or six (seconds first),
 * evaluated in the process time zone (`TZ`) unless `timeZone` is given.
 * @throws DaemonError SCHEDULE_INVALID naming `key`
 * @example parseSchedule("*\/15 * * * *", "daemon.pollSchedule").next(Date.now())
 */
export function parseSchedule(pattern: string, key: string, timeZone?: string): Schedule {
  let cron: Cron;
  try {
    // No callback: croner only computes dates and starts no timer of its own.
    cron = new Cron(pattern, timeZone === undefined ? {} : { timezone: timeZone });
  } catch (cause) {
    throw new DaemonError(
      "SCHEDULE_INVALID",
      `Config key \`${key}\` is not a valid cron expression ("${pattern}": ${(cause as Error).message}). Use five fields, e.g. "*/15 * * * *", or six with seconds first.`,
      { key, cause },
    );
  }
  return {
    pattern,
    next(afterMs) {
      const date = cron.nextRun(new Date(afterMs));
      return date === null ? null : date.getTime();
    },
  };
}

/**
 * When a run's cycle ends for lease purposes: the next tick minus a skew margin of
 * min(30 s, interval / 10), so a participant processed in this cycle is claimable again by the
 * next tick of any replica even if their clocks differ a little. Null when there is no next tick.
 * @example cycleEndsAt({ tickAt: Date.parse("…:00:00Z"), nextTickAt: Date.parse("…:15:00Z") }) // …:14:30Z
 */
export function cycleEndsAt(cycle: { tickAt: number; nextTickAt: number | null }): number | null {
  if (cycle.nextTickAt === null) return null;
  const interval = Math.max(0, cycle.nextTickAt - cycle.tickAt);
  return cycle.nextTickAt - Math.min(30_000, interval / 10);
}
