// Local-time helpers for the simulator: Fitbit keeps every date and time in the user's profile
// zone (docs/fitbit-web-api.md#conventions), so the simulator needs "today" and UTC offsets per zone.

/** The local calendar date `YYYY-MM-DD` of an instant in an IANA zone. */
export function localDateOf(timeZone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Offset of the zone from UTC at an instant, in minutes (e.g. -300 for Chicago in winter). */
function offsetMinutesAt(timeZone: string, atMs: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(new Date(atMs))
    .find((p) => p.type === "timeZoneName")?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!match) return 0; // "GMT" alone means UTC
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

/** `YYYY-MM-DDTHH:mm:00.000±hh:mm` for a local wall time in a zone (the list's long shape, docs/fitbit-web-api.md#activity-log-list). */
export function localIsoWithOffset(timeZone: string, date: string, time: string): string {
  const wallMs = Date.parse(`${date}T${time}:00Z`);
  const offset = offsetMinutesAt(timeZone, wallMs - offsetMinutesAt(timeZone, wallMs) * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${date}T${time}:00.000${sign}${hh}:${mm}`;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(value);
}

/** The date `days` after `date` (negative for before). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
