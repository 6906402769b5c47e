import type { TimeWindow } from "./windows.js";

/** The fields {@link expandOccurrences} needs; a client `Activity` and the simulator's both fit. */
export interface RecurringActivity {
  activityId?: number;
  /** Start of the first occurrence. */
  dateStart: Date;
  durationMinutes: number;
  /** `never`, `daily` or `weekly`; any other value is treated as `never`. */
  repeat: string;
  /** Last day of the recurrence (its UTC calendar day is included), or null for open-ended. */
  repeatEnd: Date | null;
}

/** One occurrence of an activity. */
export interface Occurrence {
  activityId?: number;
  /** 0 for the first occurrence (`dateStart`), 1 for the next, … */
  index: number;
  start: Date;
  /** `start + durationMinutes`. */
  end: Date;
}

/** Options of {@link expandOccurrences}. */
export interface ExpandOptions {
  /**
   * `start`: occurrences whose start lies in the window (what WEconnect's E5/E6 count, docs/weconnect-api.md#dates-and-time-windows).
   * `overlap`: occurrences that overlap the window at all (e.g. "ending soon").
   * @default "start"
   */
  match?: "start" | "overlap";
}

const DAY_MS = 86_400_000;

/**
 * Every occurrence of `activity` that starts inside `window` (both ends inclusive), in order.
 *
 * - `never`: only `dateStart`.
 * - `daily`: `dateStart + k days`, keeping the same **UTC** clock time, as a server storing UTC
 *   does; across a DST switch the local time therefore moves by an hour.
 * - `weekly`: `dateStart + k weeks`, i.e. the UTC weekday of `dateStart` (docs/weconnect-api.md#object-shapes CHOICE).
 * - `repeatEnd`: "last day of a recurrence" (docs/weconnect-api.md#object-shapes). An occurrence is kept while its start is on or
 *   before the UTC calendar day of `repeatEnd` (CHOICE: the reference leaves the boundary open).
 *
 * Pure: no clock, no I/O. The simulator generates events with it and the core uses it to find
 * occurrences starting or ending soon.
 * @example
 * expandOccurrences(
 *   { dateStart: new Date("2019-04-01T14:00:00Z"), durationMinutes: 60, repeat: "daily", repeatEnd: null },
 *   localDayWindow("America/Chicago", "2019-04-18"),
 * ) // [{ index: 17, start: 2019-04-18T14:00:00.000Z, end: 2019-04-18T15:00:00.000Z }]
 */
export function expandOccurrences(
  activity: RecurringActivity,
  window: TimeWindow,
  options: ExpandOptions = {},
): Occurrence[] {
  const first = activity.dateStart.getTime();
  const durationMs = Math.max(0, activity.durationMinutes) * 60_000;
  const from = window.from.getTime() - (options.match === "overlap" ? durationMs : 0);
  const to = window.to.getTime();
  if (Number.isNaN(first) || Number.isNaN(from) || Number.isNaN(to) || to < from) return [];

  const step = activity.repeat === "daily" ? DAY_MS : activity.repeat === "weekly" ? 7 * DAY_MS : 0;
  let lastStart = to;
  if (step === 0) lastStart = Math.min(lastStart, first);
  if (step !== 0 && activity.repeatEnd) {
    const endDay = Math.floor(activity.repeatEnd.getTime() / DAY_MS);
    lastStart = Math.min(lastStart, (endDay + 1) * DAY_MS - 1);
  }
  const kMin = step === 0 ? 0 : Math.max(0, Math.ceil((from - first) / step));
  const kMax = step === 0 ? 0 : Math.floor((lastStart - first) / step);

  const out: Occurrence[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const start = first + k * step;
    if (start < from || start > lastStart) continue;
    const occurrence: Occurrence = { index: k, start: new Date(start), end: new Date(start + durationMs) };
    if (activity.activityId !== undefined) occurrence.activityId = activity.activityId;
    out.push(occurrence);
  }
  return out;
}
