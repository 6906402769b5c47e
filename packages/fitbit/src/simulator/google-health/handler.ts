import { GOOGLE_HEALTH_SCOPES } from "../../oauth/provider.js";
import { bearerToken, json } from "../_server.js";
import type { OAuthSimulatorState } from "../oauth/state.js";
import type { GoogleHealthState, StoredPoint } from "./state.js";

const PREFIX = "/v4/users/me/";
const ID = /^[a-z0-9-]{4,63}$/; // docs/google-health-api.md#exercise-data-point
const EXERCISE_TYPES = new Set(["RUNNING", "WALKING", "BIKING", "SWIMMING", "HIKING", "YOGA", "PILATES", "WORKOUT", "HIIT", "WEIGHTLIFTING", "STRENGTH_TRAINING", "OTHER"]);
const READ_SCOPES = Object.values(GOOGLE_HEALTH_SCOPES).filter((s) => s.endsWith(".readonly"));

const STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED" };

/** A google.rpc.Status error body (docs/google-health-api.md#error-body). */
function rpcError(code: number, message: string, reason?: string): Response {
  const details = reason ? [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "health.googleapis.com", metadata: {} }] : [];
  return json(code, { error: { code, message, status: STATUS[code] ?? "UNKNOWN", details } });
}

/** Handles `/v4/users/me/...`; returns null for other paths. */
export async function handleGoogleHealthRequest(state: GoogleHealthState, oauth: OAuthSimulatorState, request: Request): Promise<Response | null> {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(PREFIX)) return null;
  const auth = oauth.authenticate(bearerToken(request));
  if (!auth.ok) {
    // docs/google-health-api.md#status-codes TROUBLE: expired tokens name INVALID_AUTHENTICATOR; never echo the token.
    const message = auth.reason === "expired" ? "Request had invalid authentication credentials. INVALID_AUTHENTICATOR: Token expired." : "Request had invalid authentication credentials.";
    return rpcError(401, message);
  }
  if (!state.hasUser(auth.userId)) return rpcError(400, "The Google account has no Google Health profile.", "ACCOUNT_NOT_LINKED");
  if (!state.takeQuota(auth.userId)) {
    const limited = rpcError(429, "Quota exceeded for requests per minute per user.", "RATE_LIMIT_EXCEEDED");
    // Retry-After is not documented for this API (docs/google-health-api.md#retries): optional.
    if (state.settings.rateLimitRetryAfterSeconds !== null) limited.headers.set("retry-after", String(state.settings.rateLimitRetryAfterSeconds));
    return limited;
  }
  const scopeDenied = () => rpcError(403, "Request had insufficient authentication scopes.", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
  const can = (scope: string) => auth.scopes.includes(scope);
  const canRead = can(GOOGLE_HEALTH_SCOPES.activityRead);
  const canWrite = can(GOOGLE_HEALTH_SCOPES.activityWrite);
  const route = url.pathname.slice(PREFIX.length);
  const user = state.user(auth.userId);
  const method = request.method;

  if (route === "identity" && method === "GET") {
    if (!READ_SCOPES.some(can)) return scopeDenied();
    return json(200, { name: "users/me/identity", healthUserId: user.userId, ...(user.legacyUserId ? { legacyUserId: user.legacyUserId } : {}) });
  }
  if (route === "settings" && method === "GET") {
    if (!can(GOOGLE_HEALTH_SCOPES.settingsRead)) return scopeDenied();
    const offset = offsetSeconds(user.timeZone, state.now());
    return json(200, { name: "users/me/settings", timeZone: user.timeZone, utcOffset: `${offset}s`, distanceUnit: "KILOMETERS" });
  }
  const points = state.points(auth.userId);
  const base = "dataTypes/exercise/dataPoints";
  if (route === base && method === "GET") {
    if (!canRead) return scopeDenied();
    return list(points, url);
  }
  if (route === base && method === "POST") {
    if (!canWrite) return scopeDenied();
    const parsed = parsePoint(await request.json().catch(() => null), auth.userId, null);
    if (typeof parsed === "string") return rpcError(400, parsed);
    if (state.settings.assignIds) parsed.id = `${state.now()}${Math.floor(Math.random() * 1e6)}`;
    if (points.has(parsed.id)) {
      const message = `Data point ${parsed.id} already exists.`;
      return state.settings.duplicateCreate === "409" ? rpcError(409, message) : json(200, { done: true, error: { code: 6, message, details: [] } });
    }
    const stored = store(parsed, oauth.client.clientId, auth.userId, state.now());
    points.set(stored.id, stored);
    return writeAnswer(state, stored);
  }
  if (route === `${base}:batchDelete` && method === "POST") {
    if (!canWrite) return scopeDenied();
    const body = (await request.json().catch(() => null)) as { names?: unknown } | null;
    if (!body || !Array.isArray(body.names) || body.names.length > 10_000) return rpcError(400, "names must be a list of at most 10000 data point names.");
    // Names must be the caller's own exercise points: users/me (or their id)/dataTypes/exercise/dataPoints/{id}.
    const ids: string[] = [];
    for (const n of body.names) {
      const match = typeof n === "string" ? /^users\/([^/]+)\/dataTypes\/([^/]+)\/dataPoints\/([^/]+)$/.exec(n) : null;
      if (!match || (match[1] !== "me" && match[1] !== auth.userId)) return rpcError(400, `Invalid data point name ${JSON.stringify(n)}: it must belong to the caller's user.`);
      if (match[2] !== "exercise") return rpcError(400, `Invalid data point name ${JSON.stringify(n)}: data type must match the parent (exercise).`, "INVALID_PARENT_DATA_TYPE_COLLECTION");
      ids.push(match[3]!);
    }
    // docs/google-health-api.md#get-patch-delete + 3P: deleting another source's data is 403 for the whole call.
    if (ids.some((id) => points.get(id)?.writtenBy === null)) return rpcError(403, "The caller may only delete data it wrote.");
    const failedRequests: Record<string, unknown> = {};
    ids.forEach((id, index) => {
      if (!points.delete(id)) failedRequests[String(index)] = { code: 5, message: `Data point ${id || "(invalid name)"} not found.` };
    });
    return json(200, { done: true, response: { dataPoints: [] }, metadata: { failedRequests } });
  }
  if (route === "dataTypes/steps/dataPoints:dailyRollUp" && method === "POST") {
    if (!canRead) return scopeDenied();
    return dailyRollUp(state, auth.userId, await request.json().catch(() => null));
  }
  const single = route.startsWith(base + "/") ? route.slice(base.length + 1) : null;
  if (single !== null && !single.includes("/")) {
    if (method === "GET") {
      if (!canRead) return scopeDenied();
      const point = points.get(single);
      const fresh = point !== undefined && point.writtenBy !== null && state.now() - point.writtenAtMs < state.settings.readLagMs;
      return point && !fresh ? json(200, point.body) : rpcError(404, `Data point ${single} not found.`);
    }
    if (method === "PATCH") {
      if (!canWrite) return scopeDenied();
      const existing = points.get(single);
      if (!existing) return rpcError(404, `Data point ${single} not found.`); // docs/google-health-api.md#get-patch-delete: "fails if the name does not exist"
      if (existing.writtenBy === null) return rpcError(403, "The caller may only edit data it wrote.");
      const parsed = parsePoint(await request.json().catch(() => null), auth.userId, single);
      if (typeof parsed === "string") return rpcError(400, parsed);
      const stored = store(parsed, oauth.client.clientId, auth.userId, state.now(), existing);
      points.set(single, stored);
      return writeAnswer(state, stored);
    }
  }
  return rpcError(404, `No route for ${method} ${url.pathname}.`);
}

type ParsedPoint = { id: string; startMs: number; endMs: number; startOffset: number; exercise: Record<string, unknown>; recordingMethod: string };

/** Validates a written DataPoint (docs/google-health-api.md#exercise-data-point); returns an error message or the parts we keep. */
function parsePoint(body: unknown, userId: string, pathId: string | null): ParsedPoint | string {
  if (typeof body !== "object" || body === null) return "Body must be a DataPoint.";
  const unknown = unknownField(body, KNOWN_FIELDS, "data_point");
  if (unknown) return unknown;
  const point = body as { name?: unknown; exercise?: Record<string, unknown> };
  let id = pathId ?? `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  if (point.name !== undefined) {
    const match = typeof point.name === "string" ? /^users\/([^/]+)\/dataTypes\/exercise\/dataPoints\/([^/]+)$/.exec(point.name) : null;
    if (!match || (match[1] !== "me" && match[1] !== userId)) return "name must be users/{user}/dataTypes/exercise/dataPoints/{id}.";
    if (!ID.test(match[2]!)) return "The data point id must be 4-63 characters of lowercase letters, digits and hyphens.";
    if (pathId !== null && match[2] !== pathId) return "name does not match the URL.";
    id = match[2]!;
  }
  const exercise = point.exercise;
  if (!exercise || typeof exercise !== "object") return "exercise is required.";
  const interval = exercise.interval as Record<string, unknown> | undefined;
  // google.protobuf.Timestamp in JSON is RFC 3339 only ("Z" or an offset), nothing Date.parse tolerates beyond it.
  if (!interval || !RFC3339.test(String(interval.startTime)) || !RFC3339.test(String(interval.endTime))) return "exercise.interval.startTime and endTime must be RFC 3339 timestamps.";
  const startMs = Date.parse(String(interval.startTime));
  const endMs = Date.parse(String(interval.endTime));
  const offset = /^(-?\d+)s$/.exec(String(interval.startUtcOffset));
  const endOffset = /^(-?\d+)s$/.exec(String(interval.endUtcOffset));
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs <= startMs) return "exercise.interval needs startTime < endTime.";
  if (!offset || !endOffset) return "exercise.interval needs startUtcOffset and endUtcOffset as durations like \"-28800s\".";
  // UTC offsets are bounded to ±18 hours, as in java.time.ZoneOffset and the API's civil-time model.
  if (Math.abs(Number(offset[1])) > MAX_OFFSET_S || Math.abs(Number(endOffset[1])) > MAX_OFFSET_S) return "exercise.interval UTC offsets must be within ±18 hours.";
  if (!EXERCISE_TYPES.has(String(exercise.exerciseType))) return "exercise.exerciseType is invalid.";
  if (typeof exercise.displayName !== "string" || exercise.displayName.trim() === "") return "exercise.displayName is required and must not be empty.";
  const recording = (point as { dataSource?: { recordingMethod?: unknown } }).dataSource?.recordingMethod;
  if (recording !== undefined && !RECORDING_METHODS.has(String(recording))) return "dataSource.recordingMethod is invalid.";
  const summary = exercise.metricsSummary as Record<string, unknown> | undefined;
  if (!summary || typeof summary !== "object") return "exercise.metricsSummary is required.";
  if (summary.steps !== undefined && (typeof summary.steps !== "string" || !/^(0|[1-9]\d*)$/.test(summary.steps))) {
    return "exercise.metricsSummary.steps must be an int64 string without leading zeros.";
  }
  const recordingMethod = typeof recording === "string" ? recording : "RECORDING_METHOD_UNSPECIFIED";
  return { id, startMs, endMs, startOffset: Number(offset[1]), exercise, recordingMethod };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_OFFSET_S = 18 * 3600;
const RECORDING_METHODS = new Set(["RECORDING_METHOD_UNSPECIFIED", "MANUAL", "PASSIVELY_MEASURED", "DERIVED", "ACTIVELY_MEASURED", "UNKNOWN"]);
type FieldTree = { [key: string]: FieldTree | true };
/** The writable DataPoint fields PowerToken's simulator knows (a subset of the discovery document). */
const KNOWN_FIELDS: FieldTree = {
  name: true,
  dataSource: { recordingMethod: true, device: true },
  exercise: {
    interval: { startTime: true, startUtcOffset: true, endTime: true, endUtcOffset: true },
    exerciseType: true,
    displayName: true,
    activeDuration: true,
    notes: true,
    metricsSummary: { steps: true, caloriesKcal: true, distanceMillimeters: true, averageHeartRateBeatsPerMinute: true, activeZoneMinutes: true },
    exerciseMetadata: true,
    exerciseEvents: true,
    splits: true,
    splitSummaries: true,
  },
};

/** Google's answer to a field the message does not have (proto3 JSON parsing is strict). */
function unknownField(value: object, known: FieldTree, path: string): string | null {
  for (const [key, child] of Object.entries(value)) {
    const spec = known[key];
    if (spec === undefined) return `Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.`;
    if (spec !== true && typeof child === "object" && child !== null && !Array.isArray(child)) {
      const inner = unknownField(child as object, spec, `${path}.${snake(key)}`);
      if (inner) return inner;
    }
  }
  return null;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A create/patch Operation; `done: false` when the simulator is told to answer so. */
function writeAnswer(state: GoogleHealthState, stored: StoredPoint): Response {
  const response = { "@type": "type.googleapis.com/google.devicesandservices.health.v4.DataPoint", ...stored.body };
  return json(200, state.settings.notDone ? { done: false } : { done: true, response });
}

/** POST steps/dataPoints:dailyRollUp: one window per civil day, all sources (docs/google-health-api.md#step-totals). */
function dailyRollUp(state: GoogleHealthState, userId: string, body: unknown): Response {
  const range = (body as { range?: { start?: { date?: Civil }; end?: { date?: Civil } } } | null)?.range;
  const from = civilDate(range?.start?.date);
  const to = civilDate(range?.end?.date);
  if (!from || !to || to <= from) return rpcError(400, "range.start and range.end must be civil dates with start < end.");
  const points: Array<Record<string, unknown>> = [];
  for (let day = from; day < to; day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
    const total = state.viewDay(userId, day).totalSteps;
    const [y, m, d] = day.split("-").map(Number);
    // An empty window has no value member.
    points.push({ civilStartTime: { date: { year: y, month: m, day: d } }, ...(total > 0 ? { steps: { countSum: String(total) } } : {}) });
  }
  return json(200, { rollupDataPoints: points });
}

type Civil = { year?: number; month?: number; day?: number };
function civilDate(date: Civil | undefined): string | null {
  if (!date?.year || !date.month || !date.day) return null;
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

function store(parsed: ParsedPoint, clientId: string, userId: string, nowMs: number, existing?: StoredPoint): StoredPoint {
  const civilStart = new Date(parsed.startMs + parsed.startOffset * 1000);
  const at = new Date(nowMs).toISOString();
  return {
    id: parsed.id,
    civilDate: civilStart.toISOString().slice(0, 10),
    startMs: parsed.startMs,
    writtenBy: clientId,
    writtenAtMs: nowMs,
    body: {
      name: `users/${userId}/dataTypes/exercise/dataPoints/${parsed.id}`,
      // Output-only fields the server fills for API writes (docs/google-health-api.md#exercise-data-point).
      dataSource: { recordingMethod: parsed.recordingMethod, platform: "GOOGLE_WEB_API", application: { googleWebClientId: clientId } },
      exercise: {
        ...(parsed.exercise as { displayName: string; metricsSummary: { steps?: string } }),
        interval: { ...(parsed.exercise.interval as object), civilStartTime: civil(civilStart) },
        createTime: existing ? (existing.body.exercise as { createTime?: string }).createTime : at,
        updateTime: at,
      },
    },
  };
}

function civil(d: Date) {
  return {
    date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
    time: { hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds() },
  };
}

/** List with the civil-day filter only (docs/google-health-api.md#list), 25 per page, newest first. */
function list(points: Map<string, StoredPoint>, url: URL): Response {
  const filter = url.searchParams.get("filter");
  let from = "";
  let to = "\uffff";
  if (filter) {
    const m = /^exercise\.interval\.civil_start_time\s*>=\s*"([\d-]{10})[^"]*"\s+AND\s+exercise\.interval\.civil_start_time\s*<\s*"([\d-]{10})[^"]*"$/.exec(filter.trim());
    if (!m) return rpcError(400, "Invalid filter.", "INVALID_DATA_POINT_FILTER_SYNTAX");
    from = m[1]!;
    to = m[2]!;
  }
  const pageSize = Math.min(25, Number(url.searchParams.get("pageSize") ?? 25) || 25);
  const offset = Number(url.searchParams.get("pageToken") ?? 0) || 0;
  const all = [...points.values()].filter((p) => p.civilDate >= from && p.civilDate < to).sort((a, b) => b.startMs - a.startMs);
  const page = all.slice(offset, offset + pageSize);
  const next = offset + pageSize < all.length ? String(offset + pageSize) : undefined;
  return json(200, { dataPoints: page.map((p) => p.body), ...(next ? { nextPageToken: next } : {}) });
}

function offsetSeconds(timeZone: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(new Date(atMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Math.round((Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(atMs / 1000) * 1000) / 1000);
}
