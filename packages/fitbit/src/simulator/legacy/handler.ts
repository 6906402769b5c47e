import type { SimulatorHandler } from "../_server.js";
import { bearerToken, readParams } from "../_server.js";
import { handleOAuthRequest } from "../oauth/handler.js";
import { fitbitError, fitbitJson } from "./_respond.js";
import { addDays, isDate } from "./_time.js";
import { handleActivities } from "./activities.js";
import type { FitbitLegacyState } from "./state.js";

/** Where the OAuth endpoints live on the simulator (real: www.fitbit.com and api.fitbit.com `/oauth2/*`). */
export const OAUTH_PREFIX = "/oauth2";

/** Context of one authenticated API call. */
export interface ApiCall {
  state: FitbitLegacyState;
  request: Request;
  url: URL;
  userId: string;
  scopes: string[];
  /** Path after `/1/user/{user-id}`, e.g. `/activities/list.json`. */
  rest: string;
}

/**
 * The legacy Fitbit Web API v1 and its OAuth endpoints as one Request → Response handler, true to
 * fitbit-web-api.md: Bearer auth with Fitbit error bodies, per-user hourly quota with
 * `Fitbit-Rate-Limit-*` headers, and the 2026-11-02 shutdown (410 on every path when gone).
 */
export function createFitbitLegacyHandler(state: FitbitLegacyState): SimulatorHandler {
  return async (request) => {
    const url = new URL(request.url);
    if (state.settings.gone) {
      // docs/fitbit-web-api.md#shutdown: the real 410 body and headers are UNDOCUMENTED; we send a minimal envelope.
      return fitbitError(410, "gone", "The Fitbit Web API has been turned off. Use the Google Health API.");
    }
    const oauth = await handleOAuthRequest(state.oauth, request, OAUTH_PREFIX);
    if (oauth !== null) return oauth;

    const match = /^\/1\/user\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) return fitbitError(404, "not_found", "The API you are requesting could not be found.");

    const token = bearerToken(request);
    const auth = state.oauth.authenticate(token);
    if (!auth.ok) {
      // Like the real server, the messages echo the token, so clients must redact (docs/fitbit-web-api.md#error-envelope).
      if (auth.reason === "missing") return fitbitError(401, "invalid_request", "Authorization header required.");
      if (auth.reason === "expired") return fitbitError(401, "expired_token", `Access token expired: ${token}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`);
      return fitbitError(401, "invalid_token", `Access token invalid: ${token}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`);
    }
    if (!state.hasUser(auth.userId)) state.addUser({ userId: auth.userId });

    const quota = state.takeQuota(auth.userId);
    const rateHeaders = {
      "fitbit-rate-limit-limit": String(quota.limit),
      "fitbit-rate-limit-remaining": String(quota.remaining),
      "fitbit-rate-limit-reset": String(quota.resetSeconds),
    };
    if (!quota.allowed) {
      // docs/fitbit-web-api.md#rate-limits / docs/fitbit-web-api.md#error-types: newer servers answer errorType `system`, "Too Many Requests", with Retry-After.
      return fitbitError(429, "system", "Too Many Requests", "n/a", { ...rateHeaders, "retry-after": String(quota.resetSeconds) });
    }

    const [, pathUser, rest] = match as unknown as [string, string, string];
    let response: Response;
    if (pathUser !== "-" && pathUser !== auth.userId) {
      // Another user's data: the real answer depends on their privacy settings; we always refuse (choice).
      response = fitbitError(403, "insufficient_permissions", "The caller is not authorized to access this user's resources.");
    } else {
      response = await route({ state, request, url, userId: auth.userId, scopes: auth.scopes, rest });
    }
    for (const [key, value] of Object.entries(rateHeaders)) response.headers.set(key, value);
    return response;
  };
}

async function route(call: ApiCall): Promise<Response> {
  const { request, rest } = call;
  if (rest === "/profile.json" && request.method === "GET") {
    if (!call.scopes.includes("profile")) return noScope("profile");
    const u = call.state.user(call.userId);
    return fitbitJson(200, {
      user: {
        encodedId: u.userId,
        displayName: `Participant ${u.userId}`,
        timezone: u.timeZone,
        offsetFromUTCMillis: offsetMillis(u.timeZone, call.state.now()),
        locale: "en_US",
        distanceUnit: "en_US",
        startDayOfWeek: "SUNDAY",
        memberSince: "2018-01-01",
      },
    });
  }
  if (rest.startsWith("/activities")) {
    if (!call.scopes.includes("activity")) return noScope("activity");
    const goals = /^\/activities\/goals\/(daily|weekly)\.json$/.exec(rest);
    if (goals) return handleGoals(call, goals[1] as "daily" | "weekly");
    const steps = /^\/activities\/steps\/date\/([^/]+)\/([^/]+)\.json$/.exec(rest);
    if (steps && request.method === "GET") return stepsSeries(call, steps[1]!, steps[2]!);
    const handled = await handleActivities(call);
    if (handled) return handled;
  }
  // docs/fitbit-web-api.md#errors: "400 also for unknown endpoint/bad path".
  return fitbitError(400, "invalid_request", "The API you are requesting could not be found.");
}

function noScope(scope: string): Response {
  return fitbitError(403, "insufficient_scope", `This application does not have permission to access ${scope} data. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`);
}

const GOAL_TYPES = ["activeMinutes", "activeZoneMinutes", "caloriesOut", "distance", "floors", "steps"];

async function handleGoals(call: ApiCall, period: "daily" | "weekly"): Promise<Response> {
  const goals = call.state.user(call.userId).goals[period];
  if (call.request.method === "GET") return fitbitJson(200, { goals });
  if (call.request.method !== "POST") return fitbitError(400, "invalid_request", "Unsupported method.");
  // docs/fitbit-web-api.md#conventions: documented as query parameters; python-fitbit sent a form body. Accept both.
  const params = await readParams(call.request);
  const type = params.type ?? "";
  if (!GOAL_TYPES.includes(type)) return fitbitError(400, "validation", `Invalid goal type: ${type}`, "type");
  const value = Number(params.value);
  // docs/fitbit-web-api.md#set-daily-goal: range limits are UNDOCUMENTED; we accept positive numbers (integers for counts).
  const valid = Number.isFinite(value) && value > 0 && (type === "distance" || Number.isInteger(value));
  if (!valid) return fitbitError(400, "validation", `Invalid value: ${params.value ?? ""}`, "value");
  goals[type] = value;
  return fitbitJson(200, { goals });
}

const PERIOD_DAYS: Record<string, number> = { "1d": 1, "7d": 7, "30d": 30, "1w": 7, "1m": 30, "3m": 91, "6m": 182, "1y": 365 };

function stepsSeries(call: ApiCall, rawDate: string, periodOrEnd: string): Response {
  // docs/fitbit-web-api.md#steps-time-series; `timezone=UTC` is accepted and ignored (the simulator keeps only local days).
  const date = rawDate === "today" ? call.state.today(call.userId) : rawDate;
  if (!isDate(date)) return fitbitError(400, "validation", `Invalid date: ${rawDate}`, "date");
  let start: string;
  let end: string;
  if (isDate(periodOrEnd)) {
    [start, end] = [date, periodOrEnd];
    if (end < start) return fitbitError(400, "validation", "End date is before start date.", "end-date");
  } else {
    const days = PERIOD_DAYS[periodOrEnd];
    if (days === undefined) return fitbitError(400, "validation", `Invalid period: ${periodOrEnd}`, "period");
    [start, end] = [addDays(date, 1 - days), date];
  }
  const series: Array<{ dateTime: string; value: string }> = [];
  for (let day = start; day <= end; day = addDays(day, 1)) {
    // `value` is a string (docs/fitbit-web-api.md#steps-time-series).
    series.push({ dateTime: day, value: String(call.state.totalSteps(call.userId, day)) });
  }
  return fitbitJson(200, { "activities-steps": series });
}

function offsetMillis(timeZone: string, at: Date): number {
  const local = Date.parse(`${new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short", timeStyle: "medium" }).format(at).replace(" ", "T")}Z`);
  return Math.round((local - at.getTime()) / 60_000) * 60_000;
}
