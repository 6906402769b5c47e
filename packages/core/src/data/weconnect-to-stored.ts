import type { Activity, ActivityWithEvents } from "@powertoken/weconnect";
import type { StoredActivity, StoredEvent } from "./core-data.js";

/** Weight given to an activity the participant has not weighted yet (the 2019 default). */
export const DEFAULT_ACTIVITY_WEIGHT = 3;

/**
 * A WEconnect activity as PowerToken stores it. The one place that maps WEconnect's activity
 * fields to ours; the weight is the participant's, or {@link DEFAULT_ACTIVITY_WEIGHT} for an
 * activity not weighted yet.
 */
export function storedActivityOf(activity: Activity, weight: number = DEFAULT_ACTIVITY_WEIGHT): StoredActivity {
  return {
    activityId: activity.activityId,
    name: activity.name,
    dateStart: activity.dateStart,
    durationMinutes: activity.durationMinutes,
    repeat: activity.repeat,
    repeatEnd: activity.repeatEnd,
    modifiedAt: activity.dateModified,
    weight,
  };
}

/** Every occurrence of every activity, as stored for a local day (the 2019 code read only events[0], docs/original-system.md#bug-11-only-the-first-event). */
export function storedEventsOf(activities: readonly ActivityWithEvents[]): StoredEvent[] {
  return activities.flatMap((activity) =>
    activity.events.map((event) => ({
      eventId: event.eid,
      activityId: activity.activityId,
      start: event.dateStart,
      end: new Date(event.dateStart.getTime() + event.durationMinutes * 60_000),
      checkedIn: event.didCheckin,
    })),
  );
}
