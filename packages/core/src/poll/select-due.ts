import { expandOccurrences, type RecurringActivity } from "@powertoken/weconnect";

/** Options of {@link hasOccurrenceSoon}. */
export interface SelectDueOptions {
  now: Date;
  /** How far ahead to look, in minutes (the seed's 15). */
  windowMinutes: number;
}

/**
 * True when one of the activities has a real occurrence that starts or ends within the next
 * `windowMinutes` (both ends inclusive). Occurrences are expanded per date by WEconnect's own
 * rule, so a weekly activity matches only on its weekday, a window crossing midnight matches,
 * and a daily activity follows its real instant across a DST change (docs/original-system.md#bug-8-time-of-day-matching).
 */
export function hasOccurrenceSoon(activities: readonly RecurringActivity[], options: SelectDueOptions): boolean {
  const from = options.now.getTime();
  const to = from + options.windowMinutes * 60_000;
  const window = { from: new Date(from), to: new Date(to) };
  for (const activity of activities) {
    // "overlap" also yields occurrences that started before `now` and end within the window.
    for (const occurrence of expandOccurrences(activity, window, { match: "overlap" })) {
      const start = occurrence.start.getTime();
      const end = occurrence.end.getTime();
      if ((start >= from && start <= to) || (end >= from && end <= to)) return true;
    }
  }
  return false;
}
