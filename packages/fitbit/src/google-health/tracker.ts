import { createHttp, parseBody, type RetryOptions } from "../_http.js";
import type { AccessTokenSource } from "../token-store.js";
import type { RequestInfo, Tracker } from "../tracker.js";
import { dailySteps } from "./daily-steps.js";
import { API, GOOGLE_RETRY_STATUS_CODES, googleHealthError } from "./errors.js";
import { assertDayInput, createZoneFormatters, dayStartInstant, exercisePointId } from "./ids.js";
import { batchDelete, getPoint } from "./points.js";
import { runProbe, type TrackerProbeInput, type TrackerProbeReport } from "./probe.js";
import { IdentitySchema, SettingsSchema } from "./schemas.js";
import { showDay, trustedKnownId } from "./show-day.js";

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
  /** The clock; an exercise never ends after it. @default () => new Date() */
  now?: () => Date;
  /** For tests: replaces the backoff wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** The participant's Google Health identity. */
export interface GoogleHealthIdentity {
  healthUserId: string;
  /** The old Fitbit user id, for mapping legacy rows; null when absent. */
  legacyUserId: string | null;
}

/** The Google Health tracker: the `Tracker` interface plus the identity call. */
export interface GoogleHealthTracker extends Tracker {
  readonly backend: "google-health";
  getIdentity(accountKey: string): Promise<GoogleHealthIdentity>;
  /** The day's step total from all sources (Google's daily roll-up). Needs the activity read scope. */
  dailySteps(input: { accountKey: string; date: string }): Promise<number>;
  /** Settles live whether written steps reach the day's total; see `probeTracker`. */
  probe(input: TrackerProbeInput): Promise<TrackerProbeReport>;
}


/**
 * Creates the Google Health API v4 tracker: one `exercise` data point (WALKING, steps in
 * `metricsSummary`, label in `displayName`) per participant-day under a deterministic id, created
 * once and then PATCHed in place; no point at all while the day's steps are 0. Only touches
 * points it wrote.
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
    retryStatusCodes: GOOGLE_RETRY_STATUS_CODES,
    onRequest: options.onRequest,
    sleep: options.sleep,
    toError: googleHealthError,
  });
  const prefix = options.idPrefix ?? "pt";
  const now = options.now ?? (() => new Date());
  const auth = (accountKey: string) => ({ tokens: options.tokens, accountKey });
  const zones = createZoneFormatters();
  // A day's first instant per zone and date: it costs several Intl calls and every poll asks again.
  const dayStarts = new Map<string, number>();
  const dayStart = (timeZone: string, date: string) => {
    const key = `${timeZone} ${date}`;
    let start = dayStarts.get(key);
    if (start === undefined) {
      start = dayStartInstant(zones(timeZone), date);
      if (dayStarts.size > 10_000) dayStarts.clear();
      dayStarts.set(key, start);
    }
    return start;
  };

  return {
    backend: "google-health",
    async getTimeZone(accountKey) {
      const endpoint = "GET /v4/users/me/settings";
      const res = await http.request({ endpoint, operation: "settings", method: "GET", path: "/v4/users/me/settings", auth: auth(accountKey) });
      return parseBody(SettingsSchema, res.body, endpoint, API).timeZone;
    },
    async getIdentity(accountKey) {
      const endpoint = "GET /v4/users/me/identity";
      const res = await http.request({ endpoint, operation: "identity", method: "GET", path: "/v4/users/me/identity", auth: auth(accountKey) });
      const identity = parseBody(IdentitySchema, res.body, endpoint, API);
      return { healthUserId: identity.healthUserId, legacyUserId: identity.legacyUserId ?? null };
    },
    async showDay(input) {
      assertDayInput(input.date, input.timeZone, zones);
      return showDay({ http, auth: auth(input.accountKey), prefix, formatter: zones(input.timeZone), nowMs: now().getTime(), dayStartMs: dayStart(input.timeZone, input.date) }, input);
    },
    async readDay(input) {
      assertDayInput(input.date, input.timeZone, zones);
      const id = trustedKnownId(input, prefix) ?? exercisePointId(prefix, input.accountKey, input.date);
      return getPoint(http, auth(input.accountKey), id);
    },
    async clearDay(input) {
      assertDayInput(input.date, input.timeZone, zones);
      const dayId = exercisePointId(prefix, input.accountKey, input.date);
      const known = trustedKnownId(input, prefix);
      return { removedEntryIds: await batchDelete(http, auth(input.accountKey), [...new Set([dayId, ...(known ? [known] : [])])]) };
    },
    ensureDailyStepGoal() {
      // docs/google-health-api.md#no-goal-api
      return Promise.resolve({ supported: false, changed: false });
    },
    async dailySteps(input) {
      assertDayInput(input.date, "UTC", zones);
      return dailySteps(http, auth(input.accountKey), input.date);
    },
    async probe(input) {
      assertDayInput(input.date, input.timeZone, zones);
      return runProbe({ http, auth: auth(input.accountKey), prefix, formatter: zones(input.timeZone), nowMs: now().getTime() }, input);
    },
  };
}

/**
 * Settles, against the participant's real account, what the docs leave open: writes a labelled
 * test exercise for `date` with a known step count, reads it back, reads the day's step total
 * before and after, then deletes the test point. Needs the activity read scope; without it the
 * report names the missing scope and nothing is written.
 * @example
 * const report = await probeTracker(tracker, { accountKey: "p42", date: "2026-11-30", timeZone: "Europe/Berlin" });
 * for (const line of report.lines) console.log(line);
 */
export function probeTracker(tracker: GoogleHealthTracker, input: TrackerProbeInput): Promise<TrackerProbeReport> {
  return tracker.probe(input);
}
