/** Parses a whole-number flag; `make` builds the (usage) error for a bad value. */
export function parseCount(value: string | undefined, flag: string, make: (m: string) => Error): number | undefined {
  if (value === undefined) return undefined;
  // The flag parser reads `--goal-steps -5` as a flag and leaves the value empty: say what happened.
  if (value === "") throw make(`--${flag} needs a whole number of 0 or more (negative numbers are not allowed).`);
  if (!/^\d+$/.test(value)) throw make(`--${flag} must be a whole number of 0 or more, got "${value.slice(0, 40)}".`);
  return Number(value);
}
