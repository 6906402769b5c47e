const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * True when `text` is a day of the calendar written `YYYY-MM-DD`: the shape alone lets through
 * 2026-02-30 and month 13, which `Date` silently rolls over into another day (or Invalid Date),
 * so the parts are checked by a round trip through a UTC date.
 * @example isCalendarDate("2026-02-28") // true
 * @example isCalendarDate("2026-02-30") // false
 */
export function isCalendarDate(text: string): boolean {
  if (typeof text !== "string" || !LOCAL_DATE.test(text)) return false;
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const at = new Date(0);
  at.setUTCFullYear(y, m - 1, d);
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}
