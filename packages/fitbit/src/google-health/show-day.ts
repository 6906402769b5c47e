import { FitbitError } from "../errors.js";
import type { Http } from "../_http.js";
import type { ShowDayInput, ShowDayResult } from "../tracker.js";
import { dayStartInstant, exercisePointId, isPointId, utcOffsetSeconds } from "./ids.js";
import { batchDelete, createPoint, patchPoint, pointName, type Auth, type WriteOutcome } from "./points.js";

/** What `showDay` needs besides its input. */
export interface ShowDayContext {
  http: Http;
  auth: Auth;
  prefix: string;
  formatter: Intl.DateTimeFormat;
  nowMs: number;
  /** The day's first instant (`dayStartInstant`), cached by the tracker. */
  dayStartMs: number;
}

/** Shown when the caller's label is blank: Google requires a non-empty `displayName`. */
export const DEFAULT_DISPLAY_NAME = "PowerToken";

/**
 * The exercise body. It sits in the first minute of the local day, ending no later than now:
 * the day's first instant always exists (a DST gap at midnight moves it, never removes it, see
 * `dayStartInstant`) and is in the past for every poll of that day, so Google never holds a
 * future-dated workout. The id stays the day's, whatever the interval.
 */
export function pointBody(id: string, input: { date: string; steps: number; label: string }, formatter: Intl.DateTimeFormat, nowMs: number, dayStartMs?: number) {
  const start = dayStartMs ?? dayStartInstant(formatter, input.date);
  // At least one second long; a poll in the day's first second is the only way to end past now.
  const end = Math.max(start + 1000, Math.min(start + 60_000, Math.floor(nowMs / 1000) * 1000));
  return {
    name: pointName(id),
    // DERIVED: "derived from other data by an algorithm" fits counts computed from check-ins;
    // MANUAL means typed in by the user (docs/google-health-api.md#exercise-data-point).
    dataSource: { recordingMethod: "DERIVED" },
    exercise: {
      interval: {
        startTime: new Date(start).toISOString(),
        startUtcOffset: `${utcOffsetSeconds(formatter, start)}s`,
        endTime: new Date(end).toISOString(),
        endUtcOffset: `${utcOffsetSeconds(formatter, end)}s`,
      },
      exerciseType: "WALKING",
      displayName: input.label.trim() === "" ? DEFAULT_DISPLAY_NAME : input.label,
      activeDuration: `${(end - start) / 1000}s`,
      // int64 travels as a JSON string.
      metricsSummary: { steps: String(input.steps) },
    },
  };
}

/**
 * The known entry id, if it may be sent to Google: recorded for this backend (any id our create
 * got back), or, when the caller does not say which backend, one of our own ids by its prefix.
 */
export function trustedKnownId(input: Pick<ShowDayInput, "knownEntryId" | "knownEntryBackend">, prefix: string): string | null {
  const known = input.knownEntryId;
  if (!known) return null;
  if (input.knownEntryBackend === "google-health") return /^[A-Za-z0-9-]{1,63}$/.test(known) ? known : null;
  if (input.knownEntryBackend === undefined || input.knownEntryBackend === null) return isPointId(known, prefix) ? known : null;
  return null;
}

/** Makes Google show `input.steps` for the day; see `Tracker.showDay`. */
export async function showDay(ctx: ShowDayContext, input: ShowDayInput): Promise<ShowDayResult> {
  if (!Number.isSafeInteger(input.steps) || input.steps < 0) {
    throw new FitbitError("BAD_REQUEST", `steps must be a non-negative integer, got ${input.steps}.`);
  }
  const dayId = exercisePointId(ctx.prefix, input.accountKey, input.date);
  const known = trustedKnownId(input, ctx.prefix);
  const label = input.label.trim() === "" ? DEFAULT_DISPLAY_NAME : input.label;
  const base = { steps: input.steps, label, entryBackend: "google-health" as const };

  if (input.steps === 0) {
    // No empty entries: nothing to show is shown by having no exercise that day.
    const removedEntryIds = await batchDelete(ctx.http, ctx.auth, [...new Set([dayId, ...(known ? [known] : [])])]);
    return { ...base, entryId: dayId, created: false, removedEntryIds, state: "confirmed", shown: null };
  }

  const body = (id: string) => pointBody(id, input, ctx.formatter, ctx.nowMs, ctx.dayStartMs);
  let written: WriteOutcome;
  let created: boolean;
  if (known) {
    written = await patchPoint(ctx.http, ctx.auth, known, body(known));
    created = written.kind === "missing";
    if (written.kind === "missing") {
      written = await createPoint(ctx.http, ctx.auth, dayId, body(dayId));
      // 404 then 409: our point appeared meanwhile (a lost create, or a GET-after-write delay).
      if (written.kind === "exists" && known !== dayId) written = await patchPoint(ctx.http, ctx.auth, dayId, body(dayId));
    }
  } else {
    written = await createPoint(ctx.http, ctx.auth, dayId, body(dayId));
    created = written.kind === "written";
    if (written.kind === "exists") written = await patchPoint(ctx.http, ctx.auth, dayId, body(dayId));
  }
  if (written.kind !== "written") {
    // Exists for create, missing for patch: a success whose result the next poll confirms.
    return { ...base, entryId: known ?? dayId, created: false, removedEntryIds: [], state: "unconfirmed", shown: null };
  }
  return {
    ...base,
    entryId: written.entryId,
    created,
    removedEntryIds: [],
    state: written.done ? "confirmed" : "unconfirmed",
    shown: written.done ? (written.steps ?? input.steps) : null,
  };
}
