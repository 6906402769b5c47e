import { DbError } from "./errors.js";

// One representation on both dialects: instants are TEXT holding `Date#toISOString()`
// (UTC, millisecond precision, always 24 characters), so they compare and sort as strings and
// round-trip byte-identically on SQLite and PostgreSQL. Booleans are INTEGER 0/1 on both.

/** Instant → stored text. */
export function toIso(value: Date, field = "date"): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DbError("INVALID_INPUT", `${field} must be a valid Date.`);
  }
  return value.toISOString();
}

/** Optional instant → stored text or null. */
export function toIsoOrNull(value: Date | null | undefined, field = "date"): string | null {
  return value == null ? null : toIso(value, field);
}

/** Stored text → instant. */
export function fromIso(value: string): Date {
  return new Date(value);
}

/** Stored text or null → instant or null. */
export function fromIsoOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a participant-local calendar date `YYYY-MM-DD` (stored as given). */
export function checkLocalDate(value: string, field = "localDate"): string {
  if (typeof value !== "string" || !LOCAL_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new DbError("INVALID_INPUT", `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(String(value)).slice(0, 40)}.`);
  }
  return value;
}

/** Boolean → stored 0/1. */
export function toFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Splits rows into chunks that keep `rows × columns` under the bound-parameter limit of both dialects. */
export function chunkRows<T>(rows: readonly T[], columnsPerRow: number): T[][] {
  // SQLite ≥ 3.32 allows 32,766 variables per statement, PostgreSQL 65,535; stay under both.
  const size = Math.max(1, Math.floor(30_000 / columnsPerRow));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
