import type { Activity } from "@powertoken/weconnect";
import type { StoredActivity } from "../data/core-data.js";
import { DEFAULT_ACTIVITY_WEIGHT, storedActivityOf } from "../data/weconnect-to-stored.js";

/** What maintenance must change so the stored activities match WEconnect. */
export interface ActivityChanges {
  upsert: StoredActivity[];
  removeIds: number[];
}

/**
 * Compare WEconnect's list with the stored one by `dateModified` (not a 24 h window, docs/original-system.md#bug-13-change-detection-by-datemodified):
 * new or modified activities are upserted keeping the participant's weight; stored activities
 * WEconnect no longer lists are removed. Pure.
 */
export function diffActivities(remote: readonly Activity[], stored: readonly StoredActivity[]): ActivityChanges {
  const known = new Map(stored.map((a) => [a.activityId, a]));
  const upsert: StoredActivity[] = [];
  for (const activity of remote) {
    const before = known.get(activity.activityId);
    if (before && before.modifiedAt.getTime() >= activity.dateModified.getTime() && before.name === activity.name) continue;
    upsert.push(storedActivityOf(activity, before?.weight ?? DEFAULT_ACTIVITY_WEIGHT));
  }
  const remoteIds = new Set(remote.map((a) => a.activityId));
  const removeIds = stored.filter((a) => !remoteIds.has(a.activityId)).map((a) => a.activityId);
  return { upsert, removeIds };
}

/**
 * When an activity stops occurring: the end of its only occurrence for `never`, the end of the
 * `repeatEnd` UTC day for a bounded recurrence, otherwise never (null).
 */
export function expirationOf(activity: Pick<StoredActivity, "dateStart" | "durationMinutes" | "repeat" | "repeatEnd">): Date | null {
  if (activity.repeat !== "daily" && activity.repeat !== "weekly") return new Date(activity.dateStart.getTime() + activity.durationMinutes * 60_000);
  if (activity.repeatEnd === null) return null;
  const day = Math.floor(activity.repeatEnd.getTime() / 86_400_000);
  return new Date((day + 1) * 86_400_000 + activity.durationMinutes * 60_000);
}
