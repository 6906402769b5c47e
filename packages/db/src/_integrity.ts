import { DbError } from "./errors.js";

/**
 * How many problems `pragma quick_check(N)` is asked for, in order. Small on purpose: on badly
 * damaged pages a larger N lets the check walk on into a page it cannot parse and fail with
 * SQLITE_CORRUPT itself, listing nothing (seen with 0xA5-filled pages: N = 5 failed where N = 1
 * named the page). So 5 first, for a count, then 1, for at least the first problem.
 */
export const QUICK_CHECK_LIMITS = [5, 1] as const;

/** The SQL listing at most `limit` problems. */
export function quickCheckSql(limit: number): string {
  return `pragma quick_check(${limit})`;
}

/** What SQLite's quick check found. */
export interface QuickCheck {
  problems: string[];
  /** The most problems the successful check was asked for (its list may have been cut there). */
  limit: number;
  /** The check could not run at all; `problems` then holds its own error. */
  stopped: boolean;
}

/**
 * The problems in quick_check's rows: none for "ok". SQLite may pack several into one row
 * separated by newlines, under a "*** in database main ***" heading, which is not a problem.
 */
export function quickCheckOfRows(rows: readonly { quick_check?: unknown }[], limit: number): QuickCheck {
  const problems = rows
    .flatMap((row) => String(row.quick_check ?? "").split("\n"))
    .map((line) => line.trim())
    .filter((line) => line !== "" && line !== "ok" && !/^\*\*\* in database \w+ \*\*\*$/.test(line));
  return { problems, limit, stopped: false };
}

/** What the check's own failure says (every limit met a page it could not parse). */
export function quickCheckFailed(error: unknown): QuickCheck {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { problems: [`${String(message ?? error)}${typeof code === "string" ? ` (${code})` : ""}`], limit: 0, stopped: true };
}

/** Runs the check on a synchronous connection, trying each limit in turn. */
export function quickCheckSync(rowsOf: (sql: string) => readonly { quick_check?: unknown }[]): QuickCheck {
  let failure: unknown;
  for (const limit of QUICK_CHECK_LIMITS) {
    try {
      return quickCheckOfRows(rowsOf(quickCheckSql(limit)), limit);
    } catch (error) {
      failure = error;
    }
  }
  return quickCheckFailed(failure);
}

/** `quickCheckSync` for an asynchronous connection (kysely). */
export async function quickCheckAsync(rowsOf: (sql: string) => Promise<readonly { quick_check?: unknown }[]>): Promise<QuickCheck> {
  let failure: unknown;
  for (const limit of QUICK_CHECK_LIMITS) {
    try {
      return quickCheckOfRows(await rowsOf(quickCheckSql(limit)), limit);
    } catch (error) {
      failure = error;
    }
  }
  return quickCheckFailed(failure);
}

/**
 * One line for a damaged SQLite file: which file, how many problems, the first; every problem in
 * `details` (the CLI shows them under `--json` only).
 */
export function damagedDatabaseError(where: string, check: QuickCheck, cause?: unknown): DbError {
  const { problems, limit } = check;
  const first = (problems[0] ?? "unknown").slice(0, 200);
  const n = problems.length;
  const count = limit === 1 ? "at least 1 problem" : n >= limit ? `${limit} or more problems` : n === 1 ? "1 problem" : `${n} problems`;
  const found = check.stopped ? `SQLite's integrity check stopped at a page it cannot read (${first})` : `SQLite's integrity check found ${count}, the first: ${first}`;
  return new DbError("NOT_A_DATABASE", `${where} is damaged: ${found}. Restore it from a backup; running migrations again will not repair it.`, {
    details: problems,
    ...(cause === undefined ? {} : { cause }),
  });
}
