import { FitbitError } from "../errors.js";
import { createHttp, parseBody, type Http, type RetryOptions } from "../_http.js";
import type { AccessTokenSource } from "../token-store.js";
import type { DayEntry, RequestInfo, ShowDayInput, ShowDayResult, Tracker } from "../tracker.js";
import { API, googleHealthError, operationError } from "./errors.js";
import { assertDayInput, createZoneFormatters, exercisePointId, isPointId, utcOffsetSeconds, zonedInstant, type ZoneFormatters } from "./ids.js";
import { DataPointSchema, IdentitySchema, OperationSchema, SettingsSchema } from "./schemas.js";

/** Options of `createGoogleHealthTracker`. */
export interface GoogleHealthTrackerOptions {
  /** API root. @default "https://health.googleapis.com" */
  baseUrl?: string;
  /** Access tokens per account (the token manager). */
  tokens: AccessTokenSource;
  fetch?: typeof globalThis.fetch;
  /** Per request. @default 10_000 */
  timeoutMs?: number;
  retry?: RetryOptions | false;
  onRequest?: (info: RequestInfo) => void;
  /** First part of our data point ids; a-z, 0-9, "-". @default "pt" */
  idPrefix?: string;
  /** For tests: replaces the backoff wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** The participant's Google Health identity (google §2). */
export interface GoogleHealthIdentity {
  healthUserId: string;
  /** The old Fitbit user id, for mapping legacy rows; null when absent. */
  legacyUserId: string | null;
}

/** The Google Health tracker: the `Tracker` interface plus the identity call. */
export interface GoogleHealthTracker extends Tracker {
  readonly backend: "google-health";
  getIdentity(accountKey: string): Promise<GoogleHealthIdentity>;
}

const POINTS = "/v4/users/me/dataTypes/exercise/dataPoints";
// A fixed one-minute slot at 04:00 local: outside most walks (fewer overlaps, google §3.3) and
// after the 00:00-03:00 hours in which DST changes happen.
const SLOT_HOUR = 4;

/**
 * Creates the Google Health API v4 tracker: one `exercise` data point (WALKING, steps in
 * `metricsSummary`, label in `displayName`) per participant-day under a deterministic id, created
 * once and then PATCHed in place. Only touches points it wrote.
 * @example
 * const tracker = createGoogleHealthTracker({ tokens: createTokenManager({ oauth, store }) });
 * await tracker.showDay({ accountKey: "p42", date: "2026-11-25", timeZone: "Europe/Berlin", steps: 6000, label: "3 of 5 check-ins" });
 */
export function createGoogleHealthTracker(options: GoogleHealthTrackerOptions): GoogleHealthTracker {
  const http = createHttp({
    api: API,
    baseUrl: options.baseUrl ?? "https://health.googleapis.com",
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    onRequest: options.onRequest,
    sleep: options.sleep,
    toError: googleHealthError,
  });
  const prefix = options.idPrefix ?? "pt";
  const auth = (accountKey: string) => ({ tokens: options.tokens, accountKey });
  const zones = createZoneFormatters();

  return {
    backend: "google-health",
    async getTimeZone(accountKey) {
      const endpoint = "GET /v4/users/me/settings";
      const res = await http.request({ endpoint, method: "GET", path: "/v4/users/me/settings", auth: auth(accountKey) });
      return parseBody(SettingsSchema, res.body, endpoint, API).timeZone;
    },
    async getIdentity(accountKey) {
      const endpoint = "GET /v4/users/me/identity";
      const res = await http.request({ endpoint, method: "GET", path: "/v4/users/me/identity", auth: auth(accountKey) });
      const identity = parseBody(IdentitySchema, res.body, endpoint, API);
      return { healthUserId: identity.healthUserId, legacyUserId: identity.legacyUserId ?? null };
    },
    showDay: (input) => showDay(http, prefix, zones, auth(input.accountKey), input),
    async readDay(input) {
      assertDayInput(input.date, input.timeZone, zones);
      const id = exercisePointId(prefix, input.accountKey, input.date);
      const endpoint = `GET ${POINTS}/{id}`;
      const res = await http.request({ endpoint, method: "GET", path: `${POINTS}/${id}`, accept: [404], auth: auth(input.accountKey) });
      if (res.status === 404) return null;
      return entryFrom(parseBody(DataPointSchema, res.body, endpoint, API), id, endpoint);
    },
    async clearDay(input) {
      assertDayInput(input.date, input.timeZone, zones);
      const ids = [exercisePointId(prefix, input.accountKey, input.date)];
      if (input.knownEntryId && input.knownEntryId !== ids[0] && isPointId(input.knownEntryId)) ids.push(input.knownEntryId);
      return { removedEntryIds: await batchDelete(http, auth(input.accountKey), ids) };
    },
    ensureDailyStepGoal() {
      // google §5: the Google Health API v4 has no goal API at all.
      return Promise.resolve({ supported: false, changed: false });
    },
  };
}

function pointBody(id: string, input: ShowDayInput, formatter: Intl.DateTimeFormat) {
  const start = zonedInstant(formatter, input.date, SLOT_HOUR, 0);
  const end = start + 60_000;
  return {
    name: `users/me/dataTypes/exercise/dataPoints/${id}`,
    dataSource: { recordingMethod: "MANUAL" },
    exercise: {
      interval: {
        startTime: new Date(start).toISOString(),
        startUtcOffset: `${utcOffsetSeconds(formatter, start)}s`,
        endTime: new Date(end).toISOString(),
        endUtcOffset: `${utcOffsetSeconds(formatter, end)}s`,
      },
      exerciseType: "WALKING",
      displayName: input.label,
      activeDuration: "60s",
      // int64 travels as a JSON string (google §3.2).
      metricsSummary: { steps: String(input.steps) },
    },
  };
}

type Auth = { tokens: AccessTokenSource; accountKey: string };

async function showDay(http: Http, prefix: string, zones: ZoneFormatters, auth: Auth, input: ShowDayInput): Promise<ShowDayResult> {
  assertDayInput(input.date, input.timeZone, zones);
  if (!Number.isSafeInteger(input.steps) || input.steps < 0) {
    throw new FitbitError("BAD_REQUEST", `steps must be a non-negative integer, got ${input.steps}.`);
  }
  const id = exercisePointId(prefix, input.accountKey, input.date);
  const body = pointBody(id, input, zones(input.timeZone));
  let created: boolean;
  // Steady state: we already wrote this day, so PATCH first (one request); otherwise create first.
  if (input.knownEntryId === id) {
    created = !(await patch(http, auth, id, body, true));
    if (created) await create(http, auth, body, false);
  } else {
    created = await create(http, auth, body, true);
    if (!created) await patch(http, auth, id, body, false);
  }
  const removedEntryIds =
    input.knownEntryId && input.knownEntryId !== id && isPointId(input.knownEntryId) ? await batchDelete(http, auth, [input.knownEntryId]) : [];
  return { entryId: id, steps: input.steps, label: input.label, created, removedEntryIds };
}

/** POST the point. Returns true when created, false when it already existed (409 or Operation code 6). */
async function create(http: Http, auth: Auth, body: object, existsIsFine: boolean): Promise<boolean> {
  const endpoint = `POST ${POINTS}`;
  // Our id is deterministic, so a repeated create is harmless (it becomes ALREADY_EXISTS): retry it.
  const res = await http.request({ endpoint, method: "POST", path: POINTS, json: body, idempotent: true, accept: existsIsFine ? [409] : [], auth });
  if (res.status === 409) return false;
  const op = parseBody(OperationSchema, res.body, endpoint, API);
  if (op.error) {
    if (op.error.code === 6 && existsIsFine) return false; // google §3.3: ALREADY_EXISTS inside a 200
    throw operationError(endpoint, op.error);
  }
  return true;
}

/** PATCH the whole point (no updateMask in v4, google §3.5). Returns false on 404 when allowed. */
async function patch(http: Http, auth: Auth, id: string, body: object, missingIsFine: boolean): Promise<boolean> {
  const endpoint = `PATCH ${POINTS}/{id}`;
  const res = await http.request({ endpoint, method: "PATCH", path: `${POINTS}/${id}`, json: body, idempotent: true, accept: missingIsFine ? [404] : [], auth });
  if (res.status === 404) return false;
  const op = parseBody(OperationSchema, res.body, endpoint, API);
  if (op.error) {
    if (op.error.code === 5 && missingIsFine) return false;
    throw operationError(endpoint, op.error);
  }
  return true;
}

async function batchDelete(http: Http, auth: Auth, ids: string[]): Promise<string[]> {
  const endpoint = `POST ${POINTS}:batchDelete`;
  const names = ids.map((id) => `users/me/dataTypes/exercise/dataPoints/${id}`);
  const res = await http.request({ endpoint, method: "POST", path: `${POINTS}:batchDelete`, json: { names }, idempotent: true, auth });
  const op = parseBody(OperationSchema, res.body, endpoint, API);
  if (op.error) throw operationError(endpoint, op.error);
  const failed = op.metadata?.failedRequests ?? {};
  const removed: string[] = [];
  ids.forEach((id, index) => {
    const failure = failed[String(index)];
    if (failure === undefined) removed.push(id);
    else if (failure.code !== 5) throw operationError(endpoint, failure); // NOT_FOUND = already gone
  });
  return removed;
}

function entryFrom(point: { name: string; exercise?: { displayName?: string | undefined; metricsSummary?: { steps?: string | undefined } | undefined } | undefined }, id: string, endpoint: string): DayEntry {
  if (!point.exercise) throw new FitbitError("INVALID_RESPONSE", `Google Health answered ${endpoint} with a data point that is not an exercise.`, { endpoint, api: API });
  return { entryId: id, steps: Number(point.exercise.metricsSummary?.steps ?? "0"), label: point.exercise.displayName ?? null };
}
