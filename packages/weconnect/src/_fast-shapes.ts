/**
 * Internal: hand-written checks of the two bodies every poll reads per participant (E6
 * activities-with-events, E5 progress). Zod's parse of them was a measurable share of a poll's
 * CPU and garbage (issue 14). Each returns exactly what its zod schema in schemas.ts returns
 * (same values, same key order), or `undefined` for anything it does not accept; the caller then
 * asks zod, which rejects it with its message (or, should this check be stricter than zod
 * somewhere, accepts it). So a body zod rejects is never accepted here: test/fast-shapes.test.ts
 * compares the two over valid and broken bodies.
 */
import type { ActivityWithEvents, WeconnectEvent } from "./schemas.js";

type Loose = Record<string, unknown>;

const ACTIVITY_KEYS = new Set(["activityId", "userId", "name", "dateStart", "duration", "repeat", "repeatEnd", "dateModified", "events"]);
const EVENT_KEYS = new Set(["eid", "dateStart", "duration", "activityId", "didCheckin"]);
const DIGITS = /^\d+$/;

function isObject(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** IdSchema: a non-negative safe integer, or a string of digits read as a number. */
function id(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && DIGITS.test(value)) return Number(value);
  return undefined;
}

/** DateTimeSchema: a string Date.parse reads, as a Date. */
function dateTime(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(value);
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Keys zod's loose object passes through untouched: those not in its shape, in input order. */
function copyUnknown(from: Loose, known: ReadonlySet<string>, to: Loose): void {
  for (const key of Object.keys(from)) if (!known.has(key)) to[key] = from[key];
}

function event(raw: unknown): WeconnectEvent | undefined {
  if (!isObject(raw)) return undefined;
  const { eid, duration, didCheckin } = raw;
  if (typeof eid !== "string" && !finite(eid)) return undefined;
  const dateStart = dateTime(raw.dateStart);
  const activityId = id(raw.activityId);
  if (dateStart === undefined || !finite(duration) || activityId === undefined || typeof didCheckin !== "boolean") return undefined;
  // The schema's shape order, the unknown keys, then the transform moves `duration` last as `durationMinutes`.
  const out: Loose = { eid: String(eid), dateStart, activityId, didCheckin };
  copyUnknown(raw, EVENT_KEYS, out);
  out.durationMinutes = duration;
  return out as WeconnectEvent;
}

function activity(raw: unknown): ActivityWithEvents | undefined {
  if (!isObject(raw)) return undefined;
  const activityId = id(raw.activityId);
  const userId = id(raw.userId);
  const { name, duration, repeat, events: rawEvents } = raw;
  const dateStart = dateTime(raw.dateStart);
  const repeatEnd = raw.repeatEnd === null ? null : dateTime(raw.repeatEnd);
  const dateModified = dateTime(raw.dateModified);
  if (activityId === undefined || userId === undefined || typeof name !== "string" || dateStart === undefined || !finite(duration)) return undefined;
  if (typeof repeat !== "string" || repeatEnd === undefined || dateModified === undefined || !Array.isArray(rawEvents)) return undefined;
  const events: WeconnectEvent[] = [];
  for (const e of rawEvents) {
    const parsed = event(e);
    if (parsed === undefined) return undefined;
    events.push(parsed);
  }
  const out: Loose = { activityId, userId, name, dateStart, repeat, repeatEnd, dateModified, events };
  copyUnknown(raw, ACTIVITY_KEYS, out);
  out.durationMinutes = duration;
  return out as ActivityWithEvents;
}

/** ActivityWithEventsListSchema's result, or undefined (then ask zod). */
export function fastActivitiesWithEvents(body: unknown): ActivityWithEvents[] | undefined {
  if (!Array.isArray(body)) return undefined;
  const out: ActivityWithEvents[] = [];
  for (const item of body) {
    const parsed = activity(item);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

/** The `events` counts of ProgressResponseSchema's result, or undefined (then ask zod). */
export function fastProgressEvents(body: unknown): { completed: number; total: number } | undefined {
  if (!isObject(body) || !isObject(body.events)) return undefined;
  const { completed, total } = body.events;
  const count = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  return count(completed) && count(total) ? { completed, total } : undefined;
}
