import { isCalendarDate, isIanaTimeZone, normaliseParticipantName, participantNameProblem } from "@powertoken/core";
import { z } from "zod";
import { parseCsv, type CsvRecord } from "./_csv.js";
import { CliError } from "./_errors.js";
import { printable } from "./_printable.js";


/**
 * A roster's bytes as text. Rosters must be UTF-8 (a leading BOM is dropped): a spreadsheet saved
 * as Latin-1 would otherwise be stored with U+FFFD in place of every accented letter.
 * @throws CliError ROSTER_ENCODING naming the first line that is not UTF-8
 */
export function decodeRoster(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      line++;
      start = i + 1;
    }
    throw new CliError(
      "ROSTER_ENCODING",
      `The roster is not valid UTF-8 (first at line ${line}); nothing was imported. Save it as UTF-8 (e.g. \`iconv -f latin1 -t utf-8 roster.csv > roster-utf8.csv\`).`,
    );
  }
}

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine(isCalendarDate, "is not a day of the calendar (e.g. 2026-02-30, month 13)");
const instant = z.iso.datetime({ offset: true, message: "expected an ISO date-time, e.g. 2026-12-01T00:00:00Z" });
// A roster of 300,000 rows names a handful of zones: each is asked of Intl once, not per row.
const knownZones = new Set<string>();
const isKnownZone = (zone: string) => knownZones.has(zone) || (isIanaTimeZone(zone) && knownZones.add(zone).size > 0);
const timeZone = z.string().refine(isKnownZone, "expected an IANA time zone, e.g. America/Chicago");
const count = z.coerce.number().int("expected a whole number").min(0, "expected 0 or more");
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** One roster row: a participant, optionally with tokens already obtained elsewhere. */
export const RosterRowSchema = z
  .object({
    // Core's one rule for names (normalised to NFC; no control characters, tab and newline included).
    name: z
      .string()
      .transform(normaliseParticipantName)
      .superRefine((name, ctx) => {
        const problem = participantNameProblem(name);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      }),
    timeZone: optional(timeZone),
    enrollmentStart: optional(date),
    enrollmentEnd: optional(date),
    mapping: optional(z.enum(["seed", "plan", "weight", "tally", "charge"])),
    goalSteps: optional(count),
    stepsPerUnit: optional(count),
    backend: optional(z.enum(["google-health", "fitbit-legacy"])),
    weconnectPersonId: optional(z.coerce.string().min(1)),
    weconnectToken: optional(z.string().min(1)),
    weconnectTokenExpiresAt: optional(instant),
    trackerAccessToken: optional(z.string().min(1)),
    trackerRefreshToken: optional(z.string().min(1)),
    trackerExpiresAt: optional(instant),
    trackerScopes: optional(z.string().min(1)),
    trackerUserId: optional(z.coerce.string().min(1)),
  })
  .strict()
  .superRefine((row, ctx) => {
    if ((row.weconnectToken === undefined) !== (row.weconnectPersonId === undefined)) {
      ctx.addIssue({ code: "custom", path: ["weconnectToken"], message: "weconnectPersonId and weconnectToken go together" });
    }
    if (row.trackerRefreshToken !== undefined && row.trackerAccessToken === undefined) {
      ctx.addIssue({ code: "custom", path: ["trackerAccessToken"], message: "required when trackerRefreshToken is given" });
    }
    if (row.enrollmentStart && row.enrollmentEnd && row.enrollmentEnd < row.enrollmentStart) {
      ctx.addIssue({ code: "custom", path: ["enrollmentEnd"], message: "is before enrollmentStart" });
    }
  });

/** A validated roster row (every optional field may be absent; defaults come from the config). */
export type RosterRow = z.infer<typeof RosterRowSchema>;

/** A validated row and where it came from (`line 4`, `participants[2]`), for later messages. */
export interface RosterEntry {
  where: string;
  row: RosterRow;
}

/** The roster's column names, for the README and error messages. */
export const ROSTER_FIELDS = Object.keys(RosterRowSchema.shape) as (keyof RosterRow)[];

const TOKEN_FIELDS: ReadonlySet<string> = new Set(["weconnectToken", "trackerAccessToken", "trackerRefreshToken"]);

/** A row as read from a roster, before validation: where it came from and its columns. */
export interface SourceRow {
  where: string;
  value: unknown;
}

/** Problems listed in full; beyond this a roster is too broken to list line by line. */
const MAX_LISTED_PROBLEMS = 100;

/**
 * Validates roster rows one at a time and collects the problems (a name given twice is caught by
 * remembering every name seen: the one thing that grows with the roster). Token values never
 * appear in a problem.
 */
export class RosterChecker {
  private readonly problemLines: string[] = [];
  private problemCount = 0;
  /** Name → where it was first seen: a line number (CSV) or an index (JSON), kept as a number to stay small. */
  private readonly seen = new Map<string, number>();
  valid = 0;
  withTokens = 0;

  /** @param options.names `false` skips the check for names given twice (a second pass over a roster already checked; the database's unique names still guard it). */
  constructor(private readonly options: { names?: boolean } = {}) {}

  /** Records a problem that is not about one row's fields (a bad header, an unclosed quote). */
  problem(text: string): void {
    this.problemCount++;
    if (this.problemLines.length < MAX_LISTED_PROBLEMS) this.problemLines.push(text);
  }

  /** The validated entry, or undefined when the row has problems (recorded here). */
  check({ where, value }: SourceRow): RosterEntry | undefined {
    const rawName = (value as { name?: unknown } | null)?.name;
    const name = typeof rawName === "string" ? normaliseParticipantName(rawName) : undefined;
    const earlier = name && this.options.names !== false ? this.seen.get(name) : undefined;
    if (earlier !== undefined) this.problem(`${where}: name "${printable(name as string)}" already used at ${where.replace(/\d+/, String(earlier))}`);
    else if (name && this.options.names !== false) this.seen.set(name, Number(/\d+/.exec(where)?.[0]));
    const result = RosterRowSchema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) this.problem(`${where}: ${describe(issue)}`);
      return undefined;
    }
    if (earlier !== undefined) return undefined;
    this.valid++;
    if (result.data.weconnectToken !== undefined || result.data.trackerAccessToken !== undefined) this.withTokens++;
    return { where, row: result.data };
  }

  /**
   * Throws when anything was wrong, or when there was nothing to import.
   * @throws CliError ROSTER_INVALID with one detail line per problem (the first 100)
   */
  finish(): void {
    if (this.problemCount > 0) {
      const more = this.problemCount > this.problemLines.length ? ` (the first ${this.problemLines.length} are listed)` : "";
      throw new CliError("ROSTER_INVALID", `The roster has ${this.problemCount} problem(s)${more}; nothing was imported. Fix them and run the import again.`, this.problemLines);
    }
    if (this.valid === 0) throw new CliError("ROSTER_INVALID", "The roster has no participants; nothing was imported.");
  }
}

/**
 * Parses a CSV or JSON roster held in memory and validates every row; all problems are collected,
 * each with its line (CSV) or index (JSON), and reported together. Token values never appear in
 * messages. Large rosters go through `_roster-stream.ts` instead.
 * @throws CliError ROSTER_INVALID with one detail line per problem
 */
export function parseRoster(text: string, format: "csv" | "json"): RosterEntry[] {
  const checker = new RosterChecker();
  const parsed: RosterEntry[] = [];
  const header: { names?: string[] } = {};
  let rows: SourceRow[] = [];
  if (format === "json") rows = jsonRows(text, checker);
  else {
    try {
      rows = parseCsv(text).flatMap((record) => csvRow(record, header, checker) ?? []);
    } catch (error) {
      checker.problem((error as Error).message);
    }
  }
  for (const row of rows) {
    const entry = checker.check(row);
    if (entry) parsed.push(entry);
  }
  checker.finish();
  return parsed;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown column(s) ${issue.keys.map(printable).join(", ")} (known: ${ROSTER_FIELDS.join(", ")})`;
  const field = issue.path.map(String).join(".") || "row";
  // zod's invalid_type/format messages never echo the input, and token columns are only length-checked.
  const message = TOKEN_FIELDS.has(field) ? issue.message.replace(/".*"/, "value") : issue.message;
  return `${field}: ${message}`;
}

/**
 * The row of one CSV record: the first record is the header (remembered in `header`, canonical
 * names); a record with the wrong number of fields is a problem.
 */
export function csvRow(record: CsvRecord, header: { names?: string[] }, checker: RosterChecker): SourceRow | undefined {
  if (header.names === undefined) {
    header.names = record.fields.map(canonical);
    return undefined;
  }
  const names = header.names;
  if (record.fields.length !== names.length) {
    checker.problem(`line ${record.line}: has ${record.fields.length} fields, the header has ${names.length}`);
    return undefined;
  }
  const value: Record<string, string> = {};
  names.forEach((name, i) => {
    value[name] = (record.fields[i] ?? "").trim();
  });
  return { where: `line ${record.line}`, value };
}

/** The rows of a JSON roster (an array, or `{ participants: [...] }`). */
export function jsonRows(text: string, checker: RosterChecker): SourceRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    checker.problem(`not valid JSON (${(error as Error).message})`);
    return [];
  }
  const list = Array.isArray(value) ? value : (value as { participants?: unknown } | null)?.participants;
  if (!Array.isArray(list)) {
    checker.problem('expected an array of participants, or { "participants": [...] }');
    return [];
  }
  return list.map((item: unknown, i) => ({
    where: `participants[${i}]`,
    value: item !== null && typeof item === "object" ? Object.fromEntries(Object.entries(item).map(([k, v]) => [canonical(k), v])) : item,
  }));
}

/** `time_zone`, `Time Zone`, `timezone` → `timeZone`: headers from spreadsheets vary. */
function canonical(name: string): string {
  const squashed = name.trim().toLowerCase().replace(/[\s_-]+/g, "");
  return ROSTER_FIELDS.find((f) => f.toLowerCase() === squashed) ?? name.trim();
}
