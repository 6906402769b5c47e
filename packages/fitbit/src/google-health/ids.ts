import { createHash } from "node:crypto";
import { FitbitError } from "../errors.js";

const ID_PATTERN = /^[a-z0-9-]{4,63}$/; // docs/google-health-api.md#exercise-data-point: client-provided ids

/**
 * The deterministic data point id of one participant-day: `<prefix>-<yyyymmdd>-<12 hex of sha256(accountKey)>`.
 * The hash keeps the account key (possibly an e-mail) out of Google while staying stable.
 */
export function exercisePointId(prefix: string, accountKey: string, date: string): string {
  const hash = createHash("sha256").update(accountKey).digest("hex").slice(0, 12);
  const id = `${prefix}-${date.replaceAll("-", "")}-${hash}`;
  if (!ID_PATTERN.test(id)) {
    throw new FitbitError("BAD_REQUEST", `idPrefix "${prefix}" gives an invalid data point id; use 1-40 characters of a-z, 0-9 and "-".`);
  }
  return id;
}

/** The id of `probeTracker`'s test exercise: distinct from the day's id, still ours by its prefix. */
export function probePointId(prefix: string, accountKey: string, date: string): string {
  return exercisePointId(`${prefix}-probe`, accountKey, date);
}

/**
 * True only for ids PowerToken makes with this prefix (a day's or a probe's), so that nothing
 * else (another app's point, a legacy log id) is ever named in a write or `batchDelete`.
 */
export function isPointId(id: string, prefix: string): boolean {
  if (!ID_PATTERN.test(id) || !id.startsWith(`${prefix}-`)) return false;
  return /^(probe-)?\d{8}-[0-9a-f]{12}$/.test(id.slice(prefix.length + 1));
}

/**
 * The first instant of the local day `date` in the formatter's zone. Where midnight falls in a
 * DST gap (clocks jump 00:00 → 01:00, as in Chile or Paraguay), the day starts at the jump; where
 * midnight repeats, at its first occurrence. Either way the instant exists and lies in that day.
 */
export function dayStartInstant(formatter: Intl.DateTimeFormat, date: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day);
  const candidates = [wall - 43_200_000, wall + 43_200_000].map((at) => wall - utcOffsetSeconds(formatter, at) * 1000);
  const inDay = candidates.filter((instant) => localDate(formatter, instant) === date).sort((a, b) => a - b);
  return inDay[0] ?? zonedInstant(formatter, date, 0, 0);
}

function localDate(formatter: Intl.DateTimeFormat, instantMs: number): string {
  const parts = formatter.formatToParts(new Date(instantMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/**
 * Formatters per time zone, owned by one tracker (building an Intl.DateTimeFormat costs ~0.3 ms,
 * which dominated a showDay call). Not module state: each tracker makes its own.
 */
export type ZoneFormatters = (timeZone: string) => Intl.DateTimeFormat;

/** Creates a per-tracker formatter cache. @throws FitbitError BAD_REQUEST for an unknown zone */
export function createZoneFormatters(): ZoneFormatters {
  const cache = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let formatter = cache.get(timeZone);
    if (formatter === undefined) {
      try {
        formatter = newFormatter(timeZone);
      } catch {
        throw new FitbitError("BAD_REQUEST", `"${timeZone}" is not an IANA time zone.`);
      }
      if (cache.size > 1000) cache.clear();
      cache.set(timeZone, formatter);
    }
    return formatter;
  };
}

function newFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/**
 * Offsets already worked out, per formatter (zone) and instant: every write of a day asks for the
 * same two instants (the day's first minute), and formatToParts was the write's dearest step.
 * Pure results, so the memo changes nothing; cleared when it reaches `OFFSET_MEMO_LIMIT` per zone.
 */
const offsetMemo = new WeakMap<Intl.DateTimeFormat, Map<number, number>>();
const OFFSET_MEMO_LIMIT = 1024;

/** Offset of the formatter's time zone from UTC at `instantMs`, in seconds. */
export function utcOffsetSeconds(formatter: Intl.DateTimeFormat, instantMs: number): number {
  let memo = offsetMemo.get(formatter);
  if (memo === undefined) offsetMemo.set(formatter, (memo = new Map()));
  const known = memo.get(instantMs);
  if (known !== undefined) return known;
  if (memo.size >= OFFSET_MEMO_LIMIT) memo.clear();
  const offset = computeUtcOffsetSeconds(formatter, instantMs);
  memo.set(instantMs, offset);
  return offset;
}

function computeUtcOffsetSeconds(formatter: Intl.DateTimeFormat, instantMs: number): number {
  const parts = formatter.formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 1000);
}

/** The instant of a local wall time in `timeZone` (the earlier one when a DST change repeats it). */
export function zonedInstant(formatter: Intl.DateTimeFormat, date: string, hour: number, minute: number): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let instant = wall - utcOffsetSeconds(formatter, wall) * 1000;
  instant = wall - utcOffsetSeconds(formatter, instant) * 1000;
  return instant;
}

/** Checks `YYYY-MM-DD` and an IANA zone. @throws FitbitError BAD_REQUEST */
export function assertDayInput(date: string, timeZone: string, zones: ZoneFormatters): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new FitbitError("BAD_REQUEST", `"${date}" is not a YYYY-MM-DD date.`);
  }
  zones(timeZone);
}
