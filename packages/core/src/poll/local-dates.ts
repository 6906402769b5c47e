/**
 * Answers already worked out: a poll asks for the day before the same few dates (the zones' today
 * and the settle window's days) for every participant. Pure, so the memo changes no answer;
 * cleared when it reaches `MEMO_LIMIT` entries.
 */
const previousOf = new Map<string, string>();
const MEMO_LIMIT = 512;

/** The local date one day before `date` ('YYYY-MM-DD'), by calendar arithmetic (no zone needed). */
export function previousDate(date: string): string {
  const known = previousOf.get(date);
  if (known !== undefined) return known;
  const [y, m, d] = date.split("-").map(Number);
  const previous = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
  if (previousOf.size >= MEMO_LIMIT) previousOf.clear();
  previousOf.set(date, previous);
  return previous;
}
