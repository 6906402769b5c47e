import type { LegacyShortLog } from "./schemas.js";

// How PowerToken recognises its own logs on the legacy API. A log cannot carry a reliable tag: the
// create call takes no name or note with `activityId`, and `source.name` is UNDOCUMENTED
// (docs/fitbit-web-api.md#activity-log-list). So every PowerToken write has one fixed signature, and only logs with
// that exact signature are ever read as ours or deleted (docs/original-system.md#bug-1-deletes-the-participants-activities):
//   Walk (activityId 90013; Fitbit substitutes an intensity id, so parent 90013, docs/fitbit-web-api.md#create-activity-log)
//   + startTime 00:00 local + duration exactly 60 000 ms, on the requested date.
// 00:00 rather than 23:59: a start in the future is UNDOCUMENTED (docs/fitbit-web-api.md#create-activity-log), and the day's first
// minute, when participants sleep, is the window least likely to override tracker data (docs/fitbit-web-api.md#q5-manual-logs-replace-tracker-data).
// A participant would have to log a one-minute walk starting exactly at midnight to collide.

/** Fitbit's activity id for "Walk"; with `distanceUnit=steps` the logged distance is the step count. */
export const WALK_ACTIVITY_ID = 90013;
/** Local start time of every PowerToken log, `HH:mm`. */
export const POWERTOKEN_START_TIME = "00:00";
/** Duration of every PowerToken log, in milliseconds. */
export const POWERTOKEN_DURATION_MS = 60_000;

/**
 * True when a day-summary log entry carries PowerToken's signature for `date`: a Walk (or its
 * substituted intensity level) starting at 00:00 and lasting exactly one minute.
 */
export function isPowerTokenLog(log: LegacyShortLog, date: string): boolean {
  const isWalk = log.activityParentId === WALK_ACTIVITY_ID || log.activityId === WALK_ACTIVITY_ID;
  const onDate = log.startDate === undefined || log.startDate === date;
  return isWalk && onDate && log.startTime === POWERTOKEN_START_TIME && log.duration === POWERTOKEN_DURATION_MS;
}

/**
 * Picks which of PowerToken's logs for a day is "the" entry: the one the core recorded
 * (`knownEntryId`) when present, else the one with the highest (newest) log id.
 */
export function pickCurrentLog<T extends { logId: string }>(logs: T[], knownEntryId?: string | null): T | null {
  const known = knownEntryId ? logs.find((log) => log.logId === knownEntryId) : undefined;
  if (known) return known;
  let newest: T | null = null;
  for (const log of logs) if (newest === null || compareLogIds(log.logId, newest.logId) > 0) newest = log;
  return newest;
}

/** Numeric order of two decimal log ids without converting them to (lossy) numbers. */
export function compareLogIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
