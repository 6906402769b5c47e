import { readParams } from "../_server.js";
import { fitbitError, fitbitJson } from "./_respond.js";
import { isDate, localDateOf, localIsoWithOffset } from "./_time.js";
import type { ApiCall } from "./handler.js";
import type { FitbitLegacySimLog } from "./state.js";

const WALK = 90013;
const RUN = 90009;
const STRIDE_KM = 0.000762; // 76.2 cm per step, used only for the informational `distance`

/** Daily summary, log list, create and delete (docs/fitbit-web-api.md#daily-activity-summary to docs/fitbit-web-api.md#delete-activity-log); null when the path is not one of them. */
export async function handleActivities(call: ApiCall): Promise<Response | null> {
  const { request, rest } = call;
  const day = /^\/activities\/date\/([^/]+)\.json$/.exec(rest);
  if (day && request.method === "GET") return daySummary(call, day[1]!);
  if (rest === "/activities/list.json" && request.method === "GET") return list(call);
  if (rest === "/activities.json" && request.method === "POST") return create(call);
  const del = /^\/activities\/(\d{1,20})\.json$/.exec(rest);
  if (del && request.method === "DELETE") {
    const outcome = call.state.deleteLog(call.userId, del[1]!);
    // docs/fitbit-web-api.md#delete-activity-log: 204 empty. Unknown id is UNDOCUMENTED: 404 not_found (choice). Another user's log: 403 (choice).
    if (outcome === "not_found") return fitbitError(404, "not_found", "The resource with given id doesn't exist.");
    if (outcome === "forbidden") return fitbitError(403, "insufficient_permissions", "The caller is not authorized to delete this resource.");
    return new Response(null, { status: 204 });
  }
  return null;
}

/** Short shape of the daily summary and the create answer (docs/fitbit-web-api.md#daily-activity-summary, docs/fitbit-web-api.md#create-activity-log). */
function shortLog(log: FitbitLegacySimLog) {
  return {
    activityId: log.activityId,
    activityParentId: log.activityParentId,
    activityParentName: log.activityParentId === RUN ? "Run" : "Walk",
    calories: Math.round(log.steps * 0.04),
    description: log.activityId === 17151 ? "Walking less than 2 mph, strolling very slowly" : "Walking 3.0 mph, moderate pace",
    distance: Number((log.steps * STRIDE_KM).toFixed(2)),
    duration: log.durationMs,
    hasActiveZoneMinutes: false,
    hasStartTime: true,
    isFavorite: false,
    lastModified: new Date(log.createdAtMs).toISOString(),
    logId: log.logId,
    name: log.activityParentId === RUN ? "Run" : "Walk",
    startDate: log.date,
    startTime: log.startTime,
    steps: log.steps,
  };
}

function daySummary(call: ApiCall, date: string): Response {
  // docs/fitbit-web-api.md#daily-activity-summary: always pass an explicit date; `today` works but is the user's local today.
  const resolved = date === "today" ? call.state.today(call.userId) : date;
  if (!isDate(resolved)) return fitbitError(400, "validation", `Invalid date: ${date}`, "date");
  const logs = call.state.logsOn(call.userId, resolved);
  const steps = call.state.totalSteps(call.userId, resolved);
  return fitbitJson(200, {
    activities: logs.map(shortLog),
    goals: call.state.user(call.userId).goals.daily,
    summary: {
      steps,
      caloriesOut: 1600 + Math.round(steps * 0.04),
      activityCalories: Math.round(steps * 0.04),
      caloriesBMR: 1600,
      distances: [
        { activity: "total", distance: Number((steps * STRIDE_KM).toFixed(2)) },
        { activity: "loggedActivities", distance: Number((logs.reduce((s, l) => s + l.steps, 0) * STRIDE_KM).toFixed(2)) },
      ],
      fairlyActiveMinutes: 0,
      lightlyActiveMinutes: Math.round(logs.reduce((s, l) => s + l.durationMs, 0) / 60_000),
      veryActiveMinutes: 0,
      sedentaryMinutes: 1000,
    },
  });
}

/** Long shape of the log list (docs/fitbit-web-api.md#activity-log-list): ISO start time with the user's offset, source, tcxLink. */
function longLog(call: ApiCall, log: FitbitLegacySimLog, origin: string) {
  const timeZone = call.state.user(call.userId).timeZone;
  const start = localIsoWithOffset(timeZone, log.date, log.startTime);
  return {
    logId: log.logId,
    logType: log.logType,
    activityName: log.activityParentId === RUN ? "Run" : "Walk",
    activityTypeId: log.activityId,
    activityParentId: log.activityParentId,
    steps: log.steps,
    duration: log.durationMs,
    activeDuration: log.durationMs,
    originalDuration: log.durationMs,
    startTime: start,
    originalStartTime: start,
    lastModified: new Date(log.createdAtMs).toISOString(),
    calories: Math.round(log.steps * 0.04),
    distance: Number((log.steps * STRIDE_KM).toFixed(2)),
    distanceUnit: "Kilometer",
    manualValuesSpecified: { calories: false, distance: log.logType === "manual", steps: log.logType === "manual" },
    // docs/fitbit-web-api.md#activity-log-list: absent on auto-detected entries; `api` for API-created logs, `app` for the participant's own.
    ...(log.sourceType === null ? {} : { source: { id: "SIMCLNT", name: log.sourceType === "api" ? "PowerToken" : "Fitbit for Android", type: log.sourceType } }),
    activityLevel: [{ minutes: Math.round(log.durationMs / 60_000), name: "lightly" }],
    tcxLink: `${origin}/1/user/-/activities/${log.logId}.tcx`,
  };
}

const LIST_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$/;

function list(call: ApiCall): Response {
  const q = call.url.searchParams;
  const after = q.get("afterDate");
  const before = q.get("beforeDate");
  // docs/fitbit-web-api.md#activity-log-list: exactly one of afterDate (sort=asc) / beforeDate (sort=desc); limit ≤ 100.
  if ((after === null) === (before === null)) return fitbitError(400, "validation", "Exactly one of afterDate or beforeDate is required.", "afterDate");
  const bound = (after ?? before)!;
  // A partial `yyyy-MM-ddTHH` is rejected by the real API (docs/fitbit-web-api.md#activity-log-list).
  if (!LIST_DATE.test(bound) || !isDate(bound.slice(0, 10))) return fitbitError(400, "validation", `Invalid date: ${bound}`, after !== null ? "afterDate" : "beforeDate");
  const sort = q.get("sort");
  if (sort !== (after !== null ? "asc" : "desc")) return fitbitError(400, "validation", "sort must be asc with afterDate and desc with beforeDate.", "sort");
  const limit = Number(q.get("limit"));
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fitbitError(400, "validation", "limit must be between 1 and 100.", "limit");
  const offset = Number(q.get("offset"));
  if (!Number.isInteger(offset) || offset < 0) return fitbitError(400, "validation", "offset must be a non-negative integer.", "offset");

  // Inclusion of a log starting exactly at the bound is UNDOCUMENTED: strictly after/before on local time (choice).
  const boundKey = bound.length === 10 ? `${bound}T00:00:00` : bound;
  const keyOf = (log: FitbitLegacySimLog) => `${log.date}T${log.startTime}:00`;
  const matching = call.state
    .allLogs(call.userId)
    .filter((log) => (after !== null ? keyOf(log) > boundKey : keyOf(log) < boundKey))
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)) || (a.logId.length - b.logId.length || a.logId.localeCompare(b.logId)));
  if (sort === "desc") matching.reverse();

  const origin = call.url.origin;
  const page = matching.slice(offset, offset + limit);
  const link = (o: number) => {
    const next = new URL("/1/user/-/activities/list.json", origin);
    next.searchParams.set("offset", String(o));
    next.searchParams.set("limit", String(limit));
    next.searchParams.set("sort", sort);
    next.searchParams.set(after !== null ? "afterDate" : "beforeDate", bound);
    return next.toString();
  };
  return fitbitJson(200, {
    activities: page.map((log) => longLog(call, log, origin)),
    pagination: {
      ...(after !== null ? { afterDate: bound } : { beforeDate: bound }),
      limit,
      offset,
      sort,
      // docs/fitbit-web-api.md#activity-log-list: empty strings, not null, when there is no next/previous page.
      next: offset + limit < matching.length ? link(offset + limit) : "",
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : "",
    },
  });
}

async function create(call: ApiCall): Promise<Response> {
  // docs/fitbit-web-api.md#conventions: documented as query parameters; accept a form body too.
  const p = await readParams(call.request);
  if (p.activityId === undefined && p.activityName === undefined) {
    return fitbitError(400, "validation", 'Either "activityId" or "activityName" should be present');
  }
  const activityId = Number(p.activityId ?? Number.NaN);
  if (p.activityId !== undefined && activityId !== WALK && activityId !== RUN) {
    // The simulator knows only the two directory activities that accept steps.
    return fitbitError(400, "validation", `Invalid activityId: ${p.activityId}`, "activityId");
  }
  if (p.activityId === undefined) return fitbitError(400, "validation", "The simulator supports only activityId 90013 or 90009.", "activityName");
  // SPEC says HH:mm:ss, the docs HH:mm (docs/fitbit-web-api.md#create-activity-log): accept both, keep HH:mm.
  const time = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/.exec(p.startTime ?? "");
  if (!time) return fitbitError(400, "validation", `Invalid startTime: ${p.startTime ?? ""}`, "startTime");
  const durationMs = Number(p.durationMillis);
  if (!Number.isInteger(durationMs) || durationMs <= 0) return fitbitError(400, "validation", `Invalid durationMillis: ${p.durationMillis ?? ""}`, "durationMillis");
  const date = p.date ?? "";
  if (!isDate(date)) return fitbitError(400, "validation", `Invalid date: ${date}`, "date");
  const distance = Number(p.distance);
  if (p.distance === undefined || !Number.isFinite(distance) || distance < 0) return fitbitError(400, "validation", `Invalid distance: ${p.distance ?? ""}`, "distance");
  const unit = (p.distanceUnit ?? "Kilometer").toLowerCase();
  // "Steps" is a distance unit only for Walking and Running (docs/fitbit-web-api.md#create-activity-log); PT2018 sent lowercase.
  const steps = unit === "steps" ? Math.round(distance) : Math.round(distance / (unit === "mile" ? STRIDE_KM / 1.609344 : STRIDE_KM));
  const startTime = `${time[1]}:${time[2]}`;
  if (call.state.settings.rejectFutureLogs) {
    const timeZone = call.state.user(call.userId).timeZone;
    const nowLocal = `${localDateOf(timeZone, call.state.now())}T${new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(call.state.now())}`;
    if (`${date}T${startTime}` > nowLocal) return fitbitError(400, "validation", "Start time is in the future.", "startTime");
  }
  // docs/fitbit-web-api.md#create-activity-log: a directory activity is replaced by an intensity level chosen from pace; the parent
  // keeps 90013. Ids are illustrative (17151 slow walk, 17200 brisk walk, 12030 run).
  const perMinute = steps / (durationMs / 60_000);
  const substituted = activityId === RUN ? 12030 : perMinute < 100 ? 17151 : 17200;
  const log = call.state.createApiLog({ userId: call.userId, date, startTime, durationMs, steps, activityId: substituted, activityParentId: activityId });
  return fitbitJson(201, { activityLog: shortLog(log) });
}
