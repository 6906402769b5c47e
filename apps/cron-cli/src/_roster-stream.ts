import { collectGarbage } from "./_collect-garbage.js";
import { CsvParser } from "./_csv.js";
import { CliError } from "./_errors.js";
import { csvRow, decodeRoster, jsonRows, RosterChecker, type RosterEntry, type SourceRow } from "./_roster.js";

// A roster of 300,000 rows (10 MB) read whole and parsed into objects took 916 MB (issue 15).
// Here it flows through in pieces: bytes → UTF-8 text of whole lines → CSV records → rows, and
// nothing but the names seen so far (for "already used at line …") outlives its piece.

/** Rows between two full garbage collections (see `_collect-garbage.ts`): 10 batches of 1,000. */
const GC_EVERY_ROWS = 10_000;

/** Opens the roster's bytes afresh: the import reads it twice (validate everything, then insert). */
export type RosterSource = () => AsyncIterable<Uint8Array>;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-8 text in blocks of whole lines. A line break byte never occurs inside a multi-byte
 * character, so cutting after the last LF of what has arrived keeps every character whole and
 * lets an encoding error be placed on its line.
 * @throws CliError ROSTER_ENCODING naming the first line that is not UTF-8
 */
export async function* utf8Lines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  for await (const chunk of chunks) {
    const bytes = carry.length === 0 ? chunk : concat(carry, chunk);
    const cut = bytes.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      carry = bytes;
      continue;
    }
    yield decodeBlock(bytes.subarray(0, cut), line);
    line += countLf(bytes, cut);
    carry = bytes.slice(cut);
  }
  if (carry.length > 0) yield decodeBlock(carry, line);
}

function decodeBlock(bytes: Uint8Array, firstLine: number): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  try {
    decodeRoster(bytes); // names the line within the block
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(error.code, error.message.replace(/first at line (\d+)/, (_, n: string) => `first at line ${firstLine + Number(n) - 1}`));
    }
    throw error;
  }
  throw new Error("unreachable: a block failed to decode once but not twice");
}

/**
 * Every row of a roster, streamed for CSV (JSON is parsed whole: a JSON roster of that size is
 * not what spreadsheets export). Problems of the file's shape go to `checker`.
 */
export async function* rosterRows(chunks: AsyncIterable<Uint8Array>, format: "csv" | "json", checker: RosterChecker): AsyncGenerator<SourceRow> {
  if (format === "json") {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    yield* jsonRows(decodeRoster(Buffer.concat(parts)), checker);
    return;
  }
  const parser = new CsvParser();
  const header: { names?: string[] } = {};
  let rows = 0;
  for await (const text of utf8Lines(chunks)) {
    const records = parser.push(text);
    rows += records.length;
    if (rows >= GC_EVERY_ROWS) {
      rows = 0;
      collectGarbage();
    }
    for (const record of records) {
      const row = csvRow(record, header, checker);
      if (row) yield row;
    }
  }
  let last;
  try {
    last = parser.end();
  } catch (error) {
    checker.problem((error as Error).message);
    return;
  }
  for (const record of last) {
    const row = csvRow(record, header, checker);
    if (row) yield row;
  }
}

/** What the validating pass found: the rows are all valid (it throws otherwise). */
export interface RosterSummary {
  valid: number;
  withTokens: number;
}

/** What the validating pass may ask of the database. */
export interface ValidateRosterOptions {
  /** Which of these names are already enrolled (asked 1,000 at a time). */
  enrolled?: (names: string[]) => Promise<string[]>;
  /** Called at the first row carrying tokens; throws when they could not be stored. */
  tokensGiven?: () => void;
}

/**
 * The first pass: reads the whole roster, validates every row and (with `enrolled`) asks in
 * batches which names are taken, writing nothing.
 * @throws CliError ROSTER_INVALID listing the problems by line, ROSTER_ENCODING; whatever `tokensGiven` throws
 */
export async function validateRoster(source: RosterSource, format: "csv" | "json", options: ValidateRosterOptions = {}): Promise<RosterSummary> {
  const { enrolled, tokensGiven } = options;
  const checker = new RosterChecker();
  let batch: RosterEntry[] = [];
  const checkTaken = async () => {
    if (enrolled === undefined || batch.length === 0) return;
    const taken = new Set(await enrolled(batch.map((e) => e.row.name)));
    for (const e of batch) if (taken.has(e.row.name)) checker.problem(`${e.where}: name "${e.row.name}" is already enrolled`);
    batch = [];
  };
  for await (const row of rosterRows(source(), format, checker)) {
    const entry = checker.check(row);
    if (entry && checker.withTokens === 1 && (entry.row.weconnectToken !== undefined || entry.row.trackerAccessToken !== undefined)) tokensGiven?.();
    if (entry && enrolled) batch.push(entry);
    if (batch.length >= 1000) await checkTaken();
  }
  await checkTaken();
  checker.finish();
  return { valid: checker.valid, withTokens: checker.withTokens };
}

/**
 * The second pass: the validated entries, streamed. Should the file have changed since the first
 * pass, a problem now throws, which rolls the importing transaction back.
 * @throws CliError ROSTER_INVALID
 */
export async function* rosterEntries(source: RosterSource, format: "csv" | "json"): AsyncGenerator<RosterEntry> {
  const checker = new RosterChecker({ names: false });
  for await (const row of rosterRows(source(), format, checker)) {
    const entry = checker.check(row);
    if (entry) yield entry;
    else checker.finish(); // throws: this row was valid a moment ago
  }
  checker.finish();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function countLf(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}
