/**
 * The short text shown with PowerToken's entry on the tracker, e.g. "PowerToken: 3 of 5 check-ins".
 * @example formatLabel({ checkedIn: 1, planned: 1 }) // "PowerToken: 1 of 1 check-in"
 */
export function formatLabel(counts: { checkedIn: number; planned: number }): string {
  if (counts.planned === 0) return "PowerToken: nothing planned today";
  const noun = counts.planned === 1 ? "check-in" : "check-ins";
  return `PowerToken: ${counts.checkedIn} of ${counts.planned} ${noun}`;
}
