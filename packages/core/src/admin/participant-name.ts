/** The longest participant name, in UTF-16 code units (what the database column and pages allow). */
export const PARTICIPANT_NAME_MAX = 100;

// Names come from rosters, flags and forms, and are printed on terminals, in tables, CSV exports
// and pages. Control characters (all of C0 and C1, tab and newline included, and DEL) and the
// line and paragraph separators break a table row or rewrite a terminal; bidirectional overrides
// and isolates make a name display as another one.
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * A name as it is stored and looked up: trimmed and in Unicode NFC, so "Zoë" typed with a
 * combining diaeresis and with the precomposed letter is one name, not two that look alike.
 * @example normaliseParticipantName("  Zoe\u0308 ") === "Zo\u00eb"
 */
export function normaliseParticipantName(name: string): string {
  return name.trim().normalize("NFC");
}

/**
 * Why `name` (already normalised) cannot be a participant's name, or `undefined` when it can.
 * The one rule for every way a participant is enrolled.
 * @example participantNameProblem("eve\u001b[2J") // "must not contain control characters …"
 */
export function participantNameProblem(name: string): string | undefined {
  if (name.length === 0) return "required";
  if (name.length > PARTICIPANT_NAME_MAX) return `at most ${PARTICIPANT_NAME_MAX} characters`;
  if (FORBIDDEN.test(name)) return "must not contain control characters (tab, newline, escape…) or direction overrides: they would rewrite the terminal or table it is printed on";
  return undefined;
}
