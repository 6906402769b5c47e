/**
 * True when `zone` is an IANA time zone this runtime's Intl knows (e.g. `America/Chicago`).
 * One check for the config, enrolment and rosters, so they accept exactly the same zones.
 * @example isIanaTimeZone("America/Chicago") // true
 */
export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
