import { pageDayRows, type DayExportRow } from "@powertoken/db";
import type { AdminRuntime } from "../admin/admin-runtime.js";
import { isCalendarDate } from "../dashboard/calendar-date.js";
import { CoreError } from "../errors.js";
import { csvField } from "./csv-field.js";

/** Options of {@link exportDays}. */
export interface ExportDaysOptions {
  /** First local date, `YYYY-MM-DD`, inclusive. */
  since: string;
  /** Last local date, `YYYY-MM-DD`, inclusive. */
  until: string;
  /** Only this participant. @default everyone */
  participantId?: number;
  /** `csv`: RFC 4180 with a header row; `json`: JSON Lines, one object per day. */
  format: "csv" | "json";
  /** Rows read per query. @default 2000 */
  batchSize?: number;
}

/** The exported columns, in order. */
export const EXPORT_COLUMNS = ["participant", "date", "planned", "checked_in", "progress", "steps_shown", "write_state"] as const;



function record(row: DayExportRow): (string | number | null)[] {
  return [row.participant, row.localDate, row.planned, row.checkedIn, Math.round(row.dailyProgress * 1000) / 1000, row.stepsShown, row.writeState];
}

/**
 * The day table (participant, date, planned, checked in, progress, steps shown, write state) for
 * a date range, the whole study or one participant, as string chunks: CSV (header row, CRLF line
 * ends, RFC 4180 quoting, text cells that a spreadsheet would run as a formula prefixed with `'`)
 * or JSON Lines (names as they are). Rows are read in keyset pages of `batchSize`, so memory
 * stays flat however large the study; each chunk holds one page.
 * @throws CoreError INVALID_INPUT (a date that is not a day of the calendar written YYYY-MM-DD, since after until, unknown format)
 * @example for await (const chunk of exportDays(runtime, { since: "2026-11-01", until: "2026-11-30", format: "csv" })) out.write(chunk)
 */
export async function* exportDays(runtime: Pick<AdminRuntime, "db">, options: ExportDaysOptions): AsyncGenerator<string, void, undefined> {
  for (const key of ["since", "until"] as const) {
    if (!isCalendarDate(options[key])) throw new CoreError("INVALID_INPUT", `${key} must be a day of the calendar written YYYY-MM-DD, got ${JSON.stringify(String(options[key]).slice(0, 40))}.`, { key });
  }
  if (options.since > options.until) throw new CoreError("INVALID_INPUT", "since must not be after until.", { key: "since" });
  if (options.format !== "csv" && options.format !== "json") throw new CoreError("INVALID_INPUT", "format is csv or json.", { key: "format" });
  const batchSize = options.batchSize ?? 2000;
  if (options.format === "csv") yield `${EXPORT_COLUMNS.join(",")}\r\n`;
  let after: { participantId: number; localDate: string } | undefined;
  for (;;) {
    const rows = await pageDayRows(runtime.db.db, {
      since: options.since,
      until: options.until,
      limit: batchSize,
      ...(options.participantId === undefined ? {} : { participantId: options.participantId }),
      ...(after ? { after } : {}),
    });
    if (rows.length === 0) return;
    yield options.format === "csv"
      ? rows.map((row) => `${record(row).map(csvField).join(",")}\r\n`).join("")
      : rows.map((row) => `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, record(row)[i]])))}\n`).join("");
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { participantId: last.participantId, localDate: last.localDate };
  }
}
