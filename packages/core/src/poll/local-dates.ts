/** The local date one day before `date` ('YYYY-MM-DD'), by calendar arithmetic (no zone needed). */
export function previousDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
}
