import type { StoredEvent } from "../data/core-data.js";

/**
 * True when every event WEconnect reported is already stored exactly (same activity, times and
 * check-in), so saving them would change nothing but `updated_at` (issue 17). Stored events that
 * WEconnect no longer reports do not count: saving never deletes them. Pure.
 */
export function eventsAlreadyStored(fresh: readonly StoredEvent[], stored: readonly StoredEvent[]): boolean {
  const byId = new Map(stored.map((e) => [`${e.activityId}/${e.eventId}`, e]));
  return fresh.every((e) => {
    const known = byId.get(`${e.activityId}/${e.eventId}`);
    return known !== undefined && known.checkedIn === e.checkedIn && known.start.getTime() === e.start.getTime() && known.end.getTime() === e.end.getTime();
  });
}
