import { FitbitError, isFitbitError } from "../errors.js";
import type { RetryOptions } from "../_http.js";
import type { AccessTokenSource } from "../token-store.js";
import type { DayEntry, RequestInfo, ShowDayInput, ShowDayResult, Tracker } from "../tracker.js";
import { API, openSession, type FitbitRateLimit, type LegacyConfig, type LegacySession } from "./_session.js";
import { createWalkLog, deleteLog, listLogs, type ListLogsQuery } from "./activity-logs.js";
import { getDaySteps, getDaySummary } from "./daily-activity.js";
import { getDailyGoals, setDailyStepGoal } from "./goals.js";
import { isPowerTokenLog, pickCurrentLog, WALK_ACTIVITY_ID } from "./ownership.js";
import { getProfile } from "./profile.js";
import type { LegacyDaySummary, LegacyGoals, LegacyListLog, LegacyProfile, LegacyShortLog } from "./schemas.js";

/** Options of `createFitbitLegacyTracker`. */
export interface FitbitLegacyTrackerOptions {
  /** API root; in tests, the simulator's `url`. @default "https://api.fitbit.com" */
  baseUrl?: string;
  /** Access tokens per account: the token manager, over Fitbit OAuth. */
  tokens: AccessTokenSource;
  /** Transport. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Per request, in milliseconds. @default 10_000 */
  timeoutMs?: number;
  /** Retries of idempotent requests (GET, DELETE, goal POST) on network errors, 5xx and short 429s; `false` disables. */
  retry?: RetryOptions | false;
  /** Called once per HTTP attempt (api `fitbit-legacy`, endpoint template, status, duration, attempt). */
  onRequest?: (info: RequestInfo) => void;
  /** Called with the `Fitbit-Rate-Limit-*` headers of every answer that carries them. */
  onRateLimit?: (info: FitbitRateLimit) => void;
}

/** `showDay` on the legacy backend, plus the stale ids a failed delete left behind (retried next time). */
export interface FitbitLegacyShowDayResult extends ShowDayResult {
  /**
   * PowerToken's stale logs that could not be deleted now; the next `showDay` or `clearDay` removes
   * them. While any remain, `state` is `unconfirmed`: the tracker counts every one of them.
   */
  pendingRemovalIds: string[];
}

/** The legacy Fitbit Web API v1 as a `Tracker`, plus the raw reads the seed used. */
export interface FitbitLegacyTracker extends Tracker {
  readonly backend: "fitbit-legacy";
  showDay(input: ShowDayInput): Promise<FitbitLegacyShowDayResult>;
  /** The profile (`timezone`, `encodedId`, `offsetFromUTCMillis`). */
  getProfile(accountKey: string): Promise<LegacyProfile>;
  /** The daily goals. */
  getDailyGoals(accountKey: string): Promise<LegacyGoals>;
  /** The daily activity summary of a local date: logs (short shape), goals and `summary.steps`. */
  getDaySummary(accountKey: string, date: string): Promise<LegacyDaySummary>;
  /** The day's total from the steps time series, what the participant's dashboard shows. */
  getDaySteps(accountKey: string, date: string): Promise<number>;
  /** All activity logs after or before a date, following `pagination.next`. */
  listActivityLogs(accountKey: string, query: ListLogsQuery): Promise<LegacyListLog[]>;
}

type DayInput = { accountKey: string; date: string; timeZone: string; knownEntryId?: string | null };

/**
 * Creates the legacy Fitbit tracker, exactly the seed's mechanism made safe: the value to show is
 * one Walk log (90013, `distanceUnit=steps`) per day, written FIRST and verified (201), and only
 * then are PowerToken's older logs of that day deleted (docs/original-system.md#bug-2-delete-then-log-is-not-atomic). Only logs with
 * PowerToken's signature (or the recorded `knownEntryId`) are ever deleted (docs/original-system.md#bug-1-deletes-the-participants-activities); see ownership.ts.
 * Since 2026-11-02 the real API answers 410: every call then fails with API_GONE.
 * @example
 * const tracker = createFitbitLegacyTracker({ baseUrl: sim.url, tokens });
 * await tracker.showDay({ accountKey: "p1", date: "2026-11-25", timeZone: "America/Chicago", steps: 50_000, label: "" });
 */
export function createFitbitLegacyTracker(options: FitbitLegacyTrackerOptions): FitbitLegacyTracker {
  const config: LegacyConfig = {
    baseUrl: options.baseUrl ?? "https://api.fitbit.com",
    tokens: options.tokens,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    onRequest: options.onRequest,
    onRateLimit: options.onRateLimit,
  };
  const session = (accountKey: string) => openSession(config, accountKey);

  /** PowerToken's logs of the day, newest first, from one summary call. */
  async function ownLogs(s: LegacySession, input: DayInput): Promise<LegacyShortLog[]> {
    checkDate(input.date);
    const summary = await getDaySummary(s, input.date);
    return summary.activities.filter((log) => isOurs(log, input.date, input.knownEntryId));
  }

  async function removeAll(s: LegacySession, logs: LegacyShortLog[]): Promise<string[]> {
    const removed: string[] = [];
    for (const log of logs) {
      await deleteLog(s, log.logId); // 404 = already gone: counts as removed
      removed.push(log.logId);
    }
    return removed;
  }

  /** Deletes stale logs after a successful write; failures are reported, not thrown (the write stands). */
  async function removeStale(s: LegacySession, logs: LegacyShortLog[]): Promise<{ removed: string[]; pending: string[] }> {
    const removed: string[] = [];
    const pending: string[] = [];
    for (const log of logs) {
      try {
        await deleteLog(s, log.logId);
        removed.push(log.logId);
      } catch (error) {
        if (!isFitbitError(error)) throw error;
        pending.push(log.logId);
      }
    }
    return { removed, pending };
  }

  return {
    backend: "fitbit-legacy",

    async getTimeZone(accountKey) {
      return (await getProfile(session(accountKey))).timezone;
    },

    async readDay(input): Promise<DayEntry | null> {
      const ours = await ownLogs(session(input.accountKey), input);
      // Two or more of our logs (a delete failed after a write) add up on the tracker: no single
      // entry shows the value, so the caller must call showDay, which removes the leftovers.
      if (ours.length > 1) return null;
      const current = pickCurrentLog(ours);
      return current === null ? null : toEntry(current);
    },

    async showDay(input) {
      checkSteps(input.steps);
      const s = session(input.accountKey);
      const ours = await ownLogs(s, input);
      // Idempotent: a log already showing the value is kept (the recorded one first, else the newest).
      const showing = pickCurrentLog(
        ours.filter((log) => log.steps === input.steps),
        input.knownEntryId,
      );
      if (showing !== null) {
        const { removed, pending } = await removeStale(s, ours.filter((log) => log.logId !== showing.logId));
        return settled({ ...toEntry(showing), created: false, removedEntryIds: removed, pendingRemovalIds: pending });
      }
      // Write first, verify, then delete: a failure in between leaves an extra signed log that the
      // next call removes, never an empty day (docs/original-system.md#bug-2-delete-then-log-is-not-atomic).
      const created = await createWalkLog(s, input.date, input.steps);
      // Re-read the day: a poll overlapping this one may have written its own log meanwhile
      // (issue 16). Every writer keeps the newest of our logs and deletes the rest, so overlapping
      // writers converge on one entry instead of deleting each other's or leaving two.
      const after = await ownLogs(s, { ...input, knownEntryId: created.logId });
      const keep = pickCurrentLog(after.some((log) => log.logId === created.logId) ? after : [...after, created]) ?? created;
      const stale = [...ours, ...after].filter((log, i, all) => log.logId !== keep.logId && all.findIndex((other) => other.logId === log.logId) === i);
      const { removed, pending } = await removeStale(s, stale);
      if (keep.logId !== created.logId) {
        return settled({ ...toEntry(keep), created: true, removedEntryIds: removed, pendingRemovalIds: pending });
      }
      return settled({ entryId: created.logId, steps: input.steps, label: null, created: true, removedEntryIds: removed, pendingRemovalIds: pending });
    },

    async clearDay(input) {
      const s = session(input.accountKey);
      return { removedEntryIds: await removeAll(s, await ownLogs(s, input)) };
    },

    async ensureDailyStepGoal(accountKey, steps) {
      checkSteps(steps);
      if (steps === 0) throw new FitbitError("BAD_REQUEST", "A daily step goal must be a positive integer.", { api: API });
      const s = session(accountKey);
      // GET first so an unchanged goal is not rewritten (the seed rewrote it hourly, docs/original-system.md#bug-5-real-walking-mixes-in).
      const goals = await getDailyGoals(s);
      if (goals.steps === steps) return { supported: true, changed: false };
      await setDailyStepGoal(s, steps);
      return { supported: true, changed: true };
    },

    getProfile: (accountKey) => getProfile(session(accountKey)),
    getDailyGoals: (accountKey) => getDailyGoals(session(accountKey)),
    async getDaySummary(accountKey, date) {
      checkDate(date);
      return getDaySummary(session(accountKey), date);
    },
    async getDaySteps(accountKey, date) {
      checkDate(date);
      return getDaySteps(session(accountKey), date);
    },
    async listActivityLogs(accountKey, query) {
      // A day, or a full local date-time; a partial `yyyy-MM-ddTHH` is rejected by Fitbit (docs/fitbit-web-api.md#activity-log-list).
      const bound = query.afterDate ?? query.beforeDate ?? "";
      checkDate(bound.slice(0, 10));
      if (bound.length > 10 && !/^T\d{2}:\d{2}:\d{2}$/.test(bound.slice(10))) checkDate(bound);
      return listLogs(session(accountKey), query);
    },
  };
}

/** Ours: PowerToken's signature, or the id the core recorded for this day (a walk the participant may have edited). */
function isOurs(log: LegacyShortLog, date: string, knownEntryId: string | null | undefined): boolean {
  if (isPowerTokenLog(log, date)) return true;
  const isWalk = log.activityParentId === WALK_ACTIVITY_ID || log.activityId === WALK_ACTIVITY_ID;
  return knownEntryId !== undefined && knownEntryId !== null && log.logId === knownEntryId && isWalk;
}

/**
 * A result is confirmed only when the day holds one PowerToken log: a leftover a failed delete
 * left is counted by the tracker too, so the caller keeps the day pending and calls showDay again
 * (which deletes it) instead of recording the value as shown (docs/original-system.md#bug-2-delete-then-log-is-not-atomic).
 */
function settled(result: Omit<FitbitLegacyShowDayResult, "state" | "shown">): FitbitLegacyShowDayResult {
  if (result.pendingRemovalIds.length === 0) return result;
  return { ...result, state: "unconfirmed", shown: null };
}

function toEntry(log: LegacyShortLog): DayEntry {
  return { entryId: log.logId, steps: log.steps ?? 0, label: null };
}

function checkDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new FitbitError("BAD_REQUEST", `Expected a local date as YYYY-MM-DD, got ${JSON.stringify(date.slice(0, 30))}.`, { api: API });
  }
}

function checkSteps(steps: number): void {
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new FitbitError("BAD_REQUEST", `Steps must be a non-negative integer, got ${steps}.`, { api: API });
  }
}
