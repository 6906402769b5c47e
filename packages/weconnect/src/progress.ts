import type { Http } from "./_http.js";
import { fastProgressEvents } from "./_fast-shapes.js";
import { parseBody } from "./_parse-body.js";
import { windowQuery } from "./activities.js";
import { ProgressResponseSchema } from "./schemas.js";
import type { Session } from "./session.js";
import type { TimeWindow } from "./windows.js";

/** Check-in progress over a window (E5 `events`). */
export interface Progress {
  /** Occurrences in the window with a check-in. */
  completed: number;
  /** Occurrences starting in the window; may be 0 (docs/weconnect-api.md#progress). */
  total: number;
}

/** E5 `GET /People/:id/activities/progress?from&to`. */
export async function getProgress(http: Http, session: Session, window: TimeWindow): Promise<Progress> {
  const endpoint = "GET /People/:id/activities/progress";
  const body = await http.request({
    method: "GET",
    operation: "progress",
    endpoint,
    path: `/People/${session.personId}/activities/progress`,
    token: session.token,
    personId: session.personId,
    query: windowQuery(window, endpoint),
  });
  // Every poll reads this per participant: the hand check first, zod for what it does not accept.
  const events = fastProgressEvents(body) ?? parseBody(ProgressResponseSchema, body, endpoint).events;
  return { completed: events.completed, total: events.total };
}
