/** Parses a whole-number flag; `make` builds the (usage) error for a bad value. */
export function parseCount(value: string | undefined, flag: string, make: (m: string) => Error): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw make(`--${flag} must be a whole number, got "${value}".`);
  return Number(value);
}
