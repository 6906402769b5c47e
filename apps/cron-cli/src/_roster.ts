import { isIanaTimeZone } from "@powertoken/core";
import { z } from "zod";
import { parseCsv } from "./_csv.js";
import { CliError } from "./_errors.js";
import { hasUnprintable } from "./_printable.js";

/** `YYYY-MM-DD` names a real day: 2026-02-30 and 2026-13-45 do not. */
export function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

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
const timeZone = z.string().refine(isIanaTimeZone, "expected an IANA time zone, e.g. America/Chicago");
const count = z.coerce.number().int("expected a whole number").min(0, "expected 0 or more");
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** One roster row: a participant, optionally with tokens already obtained elsewhere. */
export const RosterRowSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "required")
      .max(100, "at most 100 characters")
      .refine((name) => !hasUnprintable(name), "must not contain control characters or direction overrides (they would rewrite the terminal it is printed on)"),
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

/**
 * Parses a CSV or JSON roster and validates every row; all problems are collected, each with
 * its line (CSV) or index (JSON), and reported together. Token values never appear in messages.
 * @throws CliError ROSTER_INVALID with one detail line per problem
 */
export function parseRoster(text: string, format: "csv" | "json"): RosterEntry[] {
  const { rows, problems } = format === "csv" ? csvRows(text) : jsonRows(text);
  const parsed: RosterEntry[] = [];
  const seen = new Map<string, string>();
  for (const { where, value } of rows) {
    const rawName = (value as { name?: unknown } | null)?.name;
    const name = typeof rawName === "string" ? rawName.trim() : undefined;
    const earlier = name ? seen.get(name) : undefined;
    if (earlier !== undefined) problems.push(`${where}: name "${name}" already used at ${earlier}`);
    else if (name) seen.set(name, where);
    const result = RosterRowSchema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`${where}: ${describe(issue)}`);
      continue;
    }
    parsed.push({ where, row: result.data });
  }
  if (problems.length > 0) {
    throw new CliError("ROSTER_INVALID", `The roster has ${problems.length} problem(s); nothing was imported. Fix them and run the import again.`, problems);
  }
  if (parsed.length === 0) throw new CliError("ROSTER_INVALID", "The roster has no participants; nothing was imported.");
  return parsed;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown column(s) ${issue.keys.join(", ")} (known: ${ROSTER_FIELDS.join(", ")})`;
  const field = issue.path.map(String).join(".") || "row";
  // zod's invalid_type/format messages never echo the input, and token columns are only length-checked.
  const message = TOKEN_FIELDS.has(field) ? issue.message.replace(/".*"/, "value") : issue.message;
  return `${field}: ${message}`;
}

interface SourceRow {
  where: string;
  value: unknown;
}

function csvRows(text: string): { rows: SourceRow[]; problems: string[] } {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    return { rows: [], problems: [(error as Error).message] };
  }
  const [header, ...body] = records;
  if (header === undefined) return { rows: [], problems: [] };
  const names = header.fields.map(canonical);
  const problems: string[] = [];
  const rows: SourceRow[] = [];
  for (const record of body) {
    if (record.fields.length !== names.length) {
      problems.push(`line ${record.line}: has ${record.fields.length} fields, the header has ${names.length}`);
      continue;
    }
    const value: Record<string, string> = {};
    names.forEach((name, i) => {
      value[name] = (record.fields[i] ?? "").trim();
    });
    rows.push({ where: `line ${record.line}`, value });
  }
  return { rows, problems };
}

function jsonRows(text: string): { rows: SourceRow[]; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { rows: [], problems: [`not valid JSON (${(error as Error).message})`] };
  }
  const list = Array.isArray(value) ? value : (value as { participants?: unknown } | null)?.participants;
  if (!Array.isArray(list)) return { rows: [], problems: ['expected an array of participants, or { "participants": [...] }'] };
  return {
    rows: list.map((item: unknown, i) => ({
      where: `participants[${i}]`,
      value: item !== null && typeof item === "object" ? Object.fromEntries(Object.entries(item).map(([k, v]) => [canonical(k), v])) : item,
    })),
    problems: [],
  };
}

/** `time_zone`, `Time Zone`, `timezone` → `timeZone`: headers from spreadsheets vary. */
function canonical(name: string): string {
  const squashed = name.trim().toLowerCase().replace(/[\s_-]+/g, "");
  return ROSTER_FIELDS.find((f) => f.toLowerCase() === squashed) ?? name.trim();
}
