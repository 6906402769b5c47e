import { isCalendarDate } from "@powertoken/core";
import { UsageError } from "./_errors.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A required `YYYY-MM-DD` flag that names a real day (2026-02-30 and 2026-13-45 do not), checked
 * before the command opens anything, so a typo never leaves half an export behind.
 * @throws UsageError naming the flag and the value as typed
 */
export function parseDateFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`--${flag} needs a date YYYY-MM-DD, e.g. --${flag} 2026-12-01.`);
  if (!DATE.test(value)) throw new UsageError(`--${flag} must be a date YYYY-MM-DD, got "${value.slice(0, 40)}".`);
  if (!isCalendarDate(value)) throw new UsageError(`--${flag} is not a day of the calendar, got "${value}".`);
  return value;
}
