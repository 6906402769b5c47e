import { FitbitError } from "../errors.js";
import { parseBody } from "../_http.js";
import { API, UNPARSABLE_BODY_HEADER, type LegacySession } from "./_session.js";
import { POWERTOKEN_DURATION_MS, POWERTOKEN_START_TIME, WALK_ACTIVITY_ID } from "./ownership.js";
import { CreateLogResponseSchema, LogListResponseSchema, type LegacyListLog, type LegacyShortLog } from "./schemas.js";

const CREATE_LOG = "POST /1/user/-/activities.json";
const DELETE_LOG = "DELETE /1/user/-/activities/:logId.json";
const LIST_LOGS = "GET /1/user/-/activities/list.json";
const LIST_PATH = "/1/user/-/activities/list.json";

/**
 * Logs PowerToken's walk for a local date (docs/fitbit-web-api.md#create-activity-log): Walk 90013, `distanceUnit=steps`,
 * distance = steps, with PowerToken's fixed start time and duration (see ownership.ts).
 * Not retried: the API has no idempotency key and a retried POST would duplicate the log; a lost
 * answer leaves a signed log that the next `showDay` finds and reuses.
 * @throws FitbitError INVALID_RESPONSE when the answer is not 2xx with `activityLog.logId`.
 */
export async function createWalkLog(session: LegacySession, date: string, steps: number): Promise<LegacyShortLog> {
  const response = await session.request({
    endpoint: CREATE_LOG,
    method: "POST",
    path: "/1/user/-/activities.json",
    query: {
      activityId: WALK_ACTIVITY_ID,
      startTime: POWERTOKEN_START_TIME,
      durationMillis: POWERTOKEN_DURATION_MS,
      date,
      distance: steps,
      distanceUnit: "steps",
    },
    idempotent: false,
  });
  // The seed expected 201; SWAGGER says 200. Both are success (docs/fitbit-web-api.md#create-activity-log).
  const log = parseBody(CreateLogResponseSchema, response.body, CREATE_LOG, API).activityLog;
  if (log.steps !== undefined && log.steps !== steps) {
    throw new FitbitError("INVALID_RESPONSE", `Fitbit logged ${log.steps} steps instead of ${steps} (${CREATE_LOG}).`, { endpoint: CREATE_LOG, api: API });
  }
  return log;
}

/**
 * Deletes one log by id (docs/fitbit-web-api.md#delete-activity-log). 200 and 204 are success; 404 means it is already gone, so it
 * returns false instead of throwing. Callers only ever pass PowerToken's own log ids.
 * @throws FitbitError INVALID_RESPONSE when a 2xx carries a body that is not a JSON object.
 */
export async function deleteLog(session: LegacySession, logId: string): Promise<boolean> {
  if (!/^\d{1,20}$/.test(logId)) throw new FitbitError("BAD_REQUEST", `Not a Fitbit log id: ${JSON.stringify(logId.slice(0, 30))}.`, { endpoint: DELETE_LOG, api: API });
  const response = await session.request({ endpoint: DELETE_LOG, method: "DELETE", path: `/1/user/-/activities/${logId}.json`, accept: [404] });
  if (response.status === 404) return false;
  // Success is 204 without a body, or 200 (docs/fitbit-web-api.md#delete-activity-log); a 200 carrying a
  // body that is not a JSON object (a proxy's page, a cut answer) proves nothing, and a delete
  // taken as done would leave a second log the tracker counts (issue 15 item 3).
  const body = response.body;
  if (response.headers.get(UNPARSABLE_BODY_HEADER) !== null || (body !== null && (typeof body !== "object" || Array.isArray(body)))) {
    throw new FitbitError("INVALID_RESPONSE", `Fitbit answered ${DELETE_LOG} with ${response.status} and a body that is not Fitbit's; the log may still exist.`, { endpoint: DELETE_LOG, api: API, status: response.status });
  }
  return true;
}

/** Which logs to list: exactly one of `afterDate` (ascending) or `beforeDate` (descending). */
export type ListLogsQuery = ({ afterDate: string; beforeDate?: never } | { beforeDate: string; afterDate?: never }) & {
  /** Page size, at most 100. @default 100 */
  limit?: number;
  /** Stop after this many pages. @default 10 */
  maxPages?: number;
};

/**
 * Lists activity logs (docs/fitbit-web-api.md#activity-log-list), following `pagination.next` until it is `""`. The first call uses
 * offset 0 as required; later pages use only the query of `next` (its host is ignored, so a token
 * is never sent anywhere but `baseUrl`).
 */
export async function listLogs(session: LegacySession, query: ListLogsQuery): Promise<LegacyListLog[]> {
  const limit = Math.min(100, Math.max(1, query.limit ?? 100));
  const maxPages = query.maxPages ?? 10;
  let params: Record<string, string | number> =
    query.afterDate !== undefined
      ? { afterDate: query.afterDate, sort: "asc", limit, offset: 0 }
      : { beforeDate: query.beforeDate, sort: "desc", limit, offset: 0 };
  const logs: LegacyListLog[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const response = await session.request({ endpoint: LIST_LOGS, method: "GET", path: LIST_PATH, query: params });
    const body = parseBody(LogListResponseSchema, response.body, LIST_LOGS, API);
    logs.push(...body.activities);
    const next = body.pagination.next ?? "";
    if (next === "") break;
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw new FitbitError("INVALID_RESPONSE", `Fitbit answered ${LIST_LOGS} with an unusable pagination.next.`, { endpoint: LIST_LOGS, api: API });
    }
    if (url.pathname !== LIST_PATH) {
      throw new FitbitError("INVALID_RESPONSE", `Fitbit's pagination.next of ${LIST_LOGS} points at another path.`, { endpoint: LIST_LOGS, api: API });
    }
    params = Object.fromEntries(url.searchParams);
  }
  return logs;
}
