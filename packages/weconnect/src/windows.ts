/**
 * A span of time, both ends inclusive: `to` is the last millisecond (docs/weconnect-api.md#dates-and-time-windows includes an
 * event when `from ≤ dateStart ≤ to`).
 */
export interface TimeWindow {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Memo of pure results (no behaviour depends on it): building an Intl.DateTimeFormat costs about
 * 0.3–0.5 ms and a local midnight about 30 formatToParts calls, and a poll asks for the same few
 * zones and days thousands of times. Bounded: cleared when it reaches `MEMO_LIMIT` entries.
 */
const MEMO_LIMIT = 2048;
const formatters = new Map<string, Intl.DateTimeFormat>();
const dayStarts = new Map<string, number>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** A validated formatter for one zone; throws a RangeError naming the zone when it is unknown. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  return formatters.get(timeZone) ?? remember(formatters, timeZone, newFormatter(timeZone));
}

function newFormatter(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hourCycle: "h23",
    });
  } catch {
    throw new RangeError(
      `Unknown IANA time zone ${JSON.stringify(timeZone)}. Use a name such as "America/Chicago" ` +
        `(Intl.supportedValuesOf("timeZone") lists them).`,
    );
  }
}

function dateIn(formatter: Intl.DateTimeFormat, instantMs: number): string {
  let y = "";
  let m = "";
  let d = "";
  for (const part of formatter.formatToParts(instantMs)) {
    if (part.type === "year") y = part.value;
    else if (part.type === "month") m = part.value;
    else if (part.type === "day") d = part.value;
  }
  return `${y.padStart(4, "0")}-${m}-${d}`;
}

/**
 * The calendar date ('YYYY-MM-DD') of `instant` in `timeZone`: the instant first, then the zone
 * (the one definition in PowerToken, issue 10 item 8: a copy with the order swapped is retired).
 * @throws TypeError when the arguments come the other way round (`(timeZone, instant)`).
 * @throws RangeError when `timeZone` is not a known IANA zone.
 * @example localDateOf(new Date("2019-04-19T03:00:00Z"), "America/Chicago") // "2019-04-18"
 */
export function localDateOf(instant: Date, timeZone: string): string {
  if (typeof instant === "string" && (timeZone as unknown) instanceof Date) {
    // Plain-JS callers used to the swapped copy would otherwise get an unhelpful "not a function".
    throw new TypeError("localDateOf takes (instant, timeZone); it was called with (timeZone, instant).");
  }
  const ms = instant.getTime();
  const known = knownDays.get(timeZone);
  if (known !== undefined && ms >= known.from && ms < known.to) return known.date;
  const formatter = formatterFor(timeZone);
  const date = dateIn(formatter, ms);
  rememberDay(timeZone, formatter, date);
  return date;
}

/**
 * Per zone, the span of the last local date found: a poll asks for the same zones' today
 * thousands of times, and formatToParts is its dearest step. Only a day without a clock change
 * (exactly 24 h long) is kept, so within it the local date cannot step back and forth.
 */
const knownDays = new Map<string, { from: number; to: number; date: string }>();

function rememberDay(timeZone: string, formatter: Intl.DateTimeFormat, date: string): void {
  const day = parseLocalDate(date);
  const from = startOfLocalDay(timeZone, formatter, day);
  const to = startOfLocalDay(timeZone, formatter, day + 1);
  if (to - from === DAY_MS) remember(knownDays, timeZone, { from, to, date });
  else knownDays.delete(timeZone);
}

/** Days since 1970-01-01 of a validated 'YYYY-MM-DD'. */
function parseLocalDate(date: string): number {
  const match = DATE_PATTERN.exec(date);
  const [, y, m, d] = match ?? [];
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  if (!match || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`Invalid local date ${JSON.stringify(date)}; expected a real date as 'YYYY-MM-DD'.`);
  }
  return Math.round(ms / DAY_MS);
}

function dayString(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/**
 * First instant whose local date is `dayNumber` or later. Offsets lie within −12 h … +14 h, so
 * local midnight is within 15 h of UTC midnight; a binary search over that span is exact to the
 * millisecond and also right on days whose midnight is skipped by a DST jump.
 */
function startOfLocalDay(timeZone: string, formatter: Intl.DateTimeFormat, dayNumber: number): number {
  const key = `${timeZone}|${dayNumber}`;
  return dayStarts.get(key) ?? remember(dayStarts, key, searchStartOfLocalDay(formatter, dayNumber));
}

function searchStartOfLocalDay(formatter: Intl.DateTimeFormat, dayNumber: number): number {
  const target = dayString(dayNumber);
  let lo = dayNumber * DAY_MS - 15 * 3_600_000; // local date here is before target
  let hi = dayNumber * DAY_MS + 15 * 3_600_000; // local date here is target or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dateIn(formatter, mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

function toDayNumber(formatter: Intl.DateTimeFormat, date: string | Date): number {
  return parseLocalDate(typeof date === "string" ? date : dateIn(formatter, date.getTime()));
}

/**
 * The exact UTC window of one local calendar day in `timeZone`, DST-safe (23 or 25 hours on
 * switch days). `date` is a local 'YYYY-MM-DD', or an instant whose local date is used.
 * @returns `{ from, to }`, `to` being the last millisecond of the day (inclusive).
 * @throws RangeError on an unknown zone or an invalid date.
 * @example localDayWindow("America/Chicago", "2019-04-18")
 * // { from: 2019-04-18T05:00:00.000Z, to: 2019-04-19T04:59:59.999Z }
 */
export function localDayWindow(timeZone: string, date: string | Date): TimeWindow {
  const formatter = formatterFor(timeZone);
  const day = toDayNumber(formatter, date);
  return {
    from: new Date(startOfLocalDay(timeZone, formatter, day)),
    to: new Date(startOfLocalDay(timeZone, formatter, day + 1) - 1),
  };
}

/**
 * The exact UTC window of the local Sunday–Saturday week containing `date` in `timeZone`
 * (the week PowerToken's weekly goals use, docs/weconnect-api.md#dates-and-time-windows), DST-safe.
 * @returns `{ from, to }`: Sunday 00:00 local to the last millisecond of Saturday.
 * @throws RangeError on an unknown zone or an invalid date.
 * @example localWeekWindow("UTC", "2019-04-18") // 2019-04-14T00:00:00.000Z … 2019-04-20T23:59:59.999Z
 */
export function localWeekWindow(timeZone: string, date: string | Date): TimeWindow {
  const formatter = formatterFor(timeZone);
  const day = toDayNumber(formatter, date);
  const sunday = day - new Date(day * DAY_MS).getUTCDay();
  return {
    from: new Date(startOfLocalDay(timeZone, formatter, sunday)),
    to: new Date(startOfLocalDay(timeZone, formatter, sunday + 7) - 1),
  };
}
