import { isPowerTokenLog, pickCurrentLog } from "../../legacy/ownership.js";
import { createOAuthSimulatorState, type OAuthSimulatorState, type SimulatorTokens } from "../oauth/state.js";
import { localDateOf } from "./_time.js";

/** Options of the legacy simulator's state. */
export interface FitbitLegacyStateOptions {
  /** Clock; drives token expiry, "today" and the hourly rate-limit window. @default () => new Date() */
  now?: () => Date;
  /** Start in the post-2026-11-02 world: every API and OAuth path answers 410. @default false */
  gone?: boolean;
  /** Requests per user per clock hour (docs/fitbit-web-api.md#rate-limits). @default 150 */
  rateLimitPerHour?: number;
  /** The OAuth client the token endpoint accepts. @default { clientId: "sim-client", clientSecret: "sim-secret" } */
  client?: { clientId: string; clientSecret: string };
  /** Access token lifetime. @default 28800 (8 h, docs/fitbit-web-api.md#token-response) */
  accessTokenTtlSeconds?: number;
  /** Reject logs that start after the user's local now (UNDOCUMENTED on the real API, docs/fitbit-web-api.md#create-activity-log). @default false */
  rejectFutureLogs?: boolean;
}

/** A log as the simulator keeps it; `logId` is the exact decimal id. */
export interface FitbitLegacySimLog {
  logId: string;
  userId: string;
  date: string;
  /** Local `HH:mm`. */
  startTime: string;
  durationMs: number;
  steps: number;
  /** The substituted intensity-level id (docs/fitbit-web-api.md#create-activity-log), or the posted id for non-directory logs. */
  activityId: number;
  activityParentId: number;
  logType: "manual" | "auto_detected" | "tracker";
  /** `api` for logs created through the API, `app` for the participant's own entries (docs/fitbit-web-api.md#activity-log-list). */
  sourceType: "api" | "app" | null;
  createdAtMs: number;
}

/** A participant's account. */
export interface FitbitLegacySimUser {
  userId: string;
  timeZone: string;
  goals: { daily: Record<string, number>; weekly: Record<string, number> };
  /** Device steps per local date (not logs). */
  trackedSteps: Map<string, number>;
  rate: { hour: number; used: number };
}

/** What a participant would see for one day. */
export interface FitbitLegacyDayView {
  /** PowerToken's entry by its ownership scheme (newest if several), or null. */
  powertoken: { steps: number; entryId: string } | null;
  /** Every log with PowerToken's signature; more than one only after an interrupted replace. */
  powertokenEntries: Array<{ steps: number; entryId: string }>;
  /** The participant's own logs of the day (walks, runs, auto-detected). */
  own: Array<{ logId: string; steps: number; startTime: string; durationMs: number; logType: string }>;
  stepGoal: number | null;
  /** Tracked steps plus every log's steps (the real combination is UNDOCUMENTED, docs/fitbit-web-api.md#q5-manual-logs-replace-tracker-data). */
  totalSteps: number;
}

/** The legacy simulator's in-memory world; tests and demos call its operations directly. */
export type FitbitLegacyState = ReturnType<typeof createFitbitLegacyState>;

// Ids above 2^53 and odd, so no double can represent them: a client that parses them as numbers
// gets a different id (docs/fitbit-web-api.md#q1-64-bit-ids). 19 digits, below 2^63.
const FIRST_LOG_ID = 9_100_000_000_000_000_001n;

/** Creates the state: users, logs, goals, the rate limiter, and the Fitbit-mode OAuth state. */
export function createFitbitLegacyState(options: FitbitLegacyStateOptions = {}) {
  const now = options.now ?? (() => new Date());
  const oauth: OAuthSimulatorState = createOAuthSimulatorState({
    mode: "fitbit",
    now,
    ...(options.client ? { client: options.client } : {}),
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
  });
  const users = new Map<string, FitbitLegacySimUser>();
  const logs = new Map<string, FitbitLegacySimLog>();
  let nextLogId = FIRST_LOG_ID;
  const settings = { gone: options.gone ?? false, rateLimitPerHour: options.rateLimitPerHour ?? 150, rejectFutureLogs: options.rejectFutureLogs ?? false };

  function user(userId: string): FitbitLegacySimUser {
    const found = users.get(userId);
    if (!found) throw new Error(`Unknown simulator user ${userId}; call state.addUser first.`);
    return found;
  }

  function addLog(input: Omit<FitbitLegacySimLog, "logId" | "createdAtMs">): FitbitLegacySimLog {
    const log: FitbitLegacySimLog = { ...input, logId: String(nextLogId), createdAtMs: now().getTime() };
    nextLogId += 2n;
    logs.set(log.logId, log);
    return log;
  }

  /** Day total: tracked steps plus logged steps (docs/fitbit-web-api.md#q5-manual-logs-replace-tracker-data: the real merge is UNDOCUMENTED). */
  const totalSteps = (userId: string, date: string): number =>
    (user(userId).trackedSteps.get(date) ?? 0) + logsOn(userId, date).reduce((sum, log) => sum + log.steps, 0);

  const logsOn = (userId: string, date: string) =>
    [...logs.values()].filter((log) => log.userId === userId && log.date === date).sort((a, b) => a.startTime.localeCompare(b.startTime));

  return {
    oauth,
    settings,
    now,
    /** Adds a participant. @default timeZone "UTC", stepGoal 10000 */
    addUser(input: { userId: string; timeZone?: string; stepGoal?: number }): FitbitLegacySimUser {
      const created: FitbitLegacySimUser = {
        userId: input.userId,
        timeZone: input.timeZone ?? "UTC",
        goals: { daily: { steps: input.stepGoal ?? 10_000, activeMinutes: 30, caloriesOut: 2820, distance: 8.05, floors: 10 }, weekly: { steps: 70_000 } },
        trackedSteps: new Map(),
        rate: { hour: -1, used: 0 },
      };
      users.set(input.userId, created);
      return created;
    },
    user,
    /** True when the user exists. */
    hasUser: (userId: string) => users.has(userId),
    /** Mints Fitbit tokens for the user (scopes `activity profile` unless given), skipping the browser. */
    issueTokens(userId: string, scopes: string[] = ["activity", "profile"]): SimulatorTokens {
      user(userId);
      return oauth.issueTokens(userId, scopes);
    },
    /** Makes the user's access tokens expired now (the next API call gets 401 expired_token). */
    expireAccessTokens(userId: string): void {
      oauth.expireAccessTokens(userId);
    },
    /** The participant logs their own walk in the Fitbit app (a manual log, source `app`). */
    addOwnWalk(userId: string, date: string, steps: number, extra: { startTime?: string; durationMs?: number; logType?: FitbitLegacySimLog["logType"] } = {}): string {
      user(userId);
      const logType = extra.logType ?? "manual";
      return addLog({
        userId,
        date,
        startTime: extra.startTime ?? "08:00",
        durationMs: extra.durationMs ?? 1_800_000,
        steps,
        activityId: 17151,
        activityParentId: 90013,
        logType,
        sourceType: logType === "manual" ? "app" : null,
      }).logId;
    },
    /** Steps the tracker itself recorded for a day (no log entry). */
    addTrackedSteps(userId: string, date: string, steps: number): void {
      const u = user(userId);
      u.trackedSteps.set(date, (u.trackedSteps.get(date) ?? 0) + steps);
    },
    /** Creates a log through the API path (the handler validated the input). */
    createApiLog(input: Omit<FitbitLegacySimLog, "logId" | "createdAtMs" | "sourceType" | "logType">): FitbitLegacySimLog {
      return addLog({ ...input, logType: "manual", sourceType: "api" });
    },
    /** Deletes a log on behalf of `userId`. */
    deleteLog(userId: string, logId: string): "deleted" | "not_found" | "forbidden" {
      const log = logs.get(logId);
      if (!log) return "not_found";
      if (log.userId !== userId) return "forbidden";
      logs.delete(logId);
      return "deleted";
    },
    /** The user's logs of one local date, by start time. */
    logsOn,
    /** Every log of the user. */
    allLogs: (userId: string) => [...logs.values()].filter((log) => log.userId === userId),
    totalSteps,
    /** The user's local date now. */
    today: (userId: string) => localDateOf(user(userId).timeZone, now()),
    /** What the participant would see for a day, split into PowerToken's entry and their own logs. */
    viewDay(userId: string, date: string): FitbitLegacyDayView {
      const dayLogs = logsOn(userId, date);
      const short = (log: FitbitLegacySimLog) => ({
        logId: log.logId,
        activityId: log.activityId,
        activityParentId: log.activityParentId,
        startDate: log.date,
        startTime: log.startTime,
        duration: log.durationMs,
        steps: log.steps,
      });
      const ours = dayLogs.filter((log) => isPowerTokenLog(short(log), date));
      const current = pickCurrentLog(ours);
      return {
        powertoken: current ? { steps: current.steps, entryId: current.logId } : null,
        powertokenEntries: ours.map((log) => ({ steps: log.steps, entryId: log.logId })),
        own: dayLogs
          .filter((log) => !ours.includes(log))
          .map((log) => ({ logId: log.logId, steps: log.steps, startTime: log.startTime, durationMs: log.durationMs, logType: log.logType })),
        stepGoal: user(userId).goals.daily.steps ?? null,
        totalSteps: totalSteps(userId, date),
      };
    },
    /** Switches the 2026-11-02 shutdown on or off: 410 on every path. */
    setGone(gone: boolean): void {
      settings.gone = gone;
    },
    /**
     * Counts one request against the user's hourly quota (docs/fitbit-web-api.md#rate-limits: 150 per user, reset at the top of
     * the clock hour, not a rolling window).
     */
    takeQuota(userId: string): { allowed: boolean; limit: number; remaining: number; resetSeconds: number } {
      const u = user(userId);
      const nowMs = now().getTime();
      const hour = Math.floor(nowMs / 3_600_000);
      if (u.rate.hour !== hour) u.rate = { hour, used: 0 };
      u.rate.used += 1;
      const limit = settings.rateLimitPerHour;
      return {
        allowed: u.rate.used <= limit,
        limit,
        remaining: Math.max(0, limit - u.rate.used),
        resetSeconds: Math.ceil(((hour + 1) * 3_600_000 - nowMs) / 1000),
      };
    },
  };
}
