import type { Http } from "./_http.js";
import { fastActivitiesWithEvents } from "./_fast-shapes.js";
import { parseBody } from "./_parse-body.js";
import { WeconnectError } from "./errors.js";
import {
  ActivityListSchema,
  ActivityWithEventsListSchema,
  type Activity,
  type ActivityWithEvents,
} from "./schemas.js";
import type { Session } from "./session.js";
import type { TimeWindow } from "./windows.js";

/** E4 `GET /People/:id/activities`: every activity, ended ones included (docs/weconnect-api.md#list-activities). */
export async function listActivities(http: Http, session: Session): Promise<Activity[]> {
  const endpoint = "GET /People/:id/activities";
  const body = await http.request({
    method: "GET",
    operation: "activities",
    endpoint,
    // docs/weconnect-api.md#base-url-and-transport: the client always sends `People`; the 2018 original sent `people` here.
    path: `/People/${session.personId}/activities`,
    token: session.token,
    personId: session.personId,
  });
  return parseBody(ActivityListSchema, body, endpoint);
}

/** E6 `GET /People/:id/activities-with-events`: activities with occurrences starting in the window. */
export async function listActivitiesWithEvents(
  http: Http,
  session: Session,
  window: TimeWindow,
): Promise<ActivityWithEvents[]> {
  const endpoint = "GET /People/:id/activities-with-events";
  const body = await http.request({
    method: "GET",
    operation: "activities-with-events",
    endpoint,
    path: `/People/${session.personId}/activities-with-events`,
    token: session.token,
    personId: session.personId,
    query: windowQuery(window, endpoint),
  });
  // Every poll reads this per participant: the hand check first, zod for what it does not accept.
  return fastActivitiesWithEvents(body) ?? parseBody(ActivityWithEventsListSchema, body, endpoint);
}

/** docs/weconnect-api.md#dates-and-time-windows: send explicit UTC instants with `Z` and milliseconds, never server-local dates. */
export function windowQuery(window: TimeWindow, endpoint: string): Record<string, string> {
  const { from, to } = window;
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime() + to.getTime())) {
    throw new WeconnectError(
      "BAD_REQUEST",
      `The window passed to ${endpoint} is not two valid Dates. Build it with localDayWindow or localWeekWindow.`,
      { endpoint },
    );
  }
  return { from: from.toISOString(), to: to.toISOString() };
}
