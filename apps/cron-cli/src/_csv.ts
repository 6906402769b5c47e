const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** One CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * An incremental RFC 4180 CSV parser (quoted fields, `""` escapes, CRLF, LF or CR, newlines
 * inside quotes, a leading BOM): text goes in in pieces of any size, split anywhere, and complete
 * records come out, each with the line it starts on. Blank lines are skipped.
 *
 * Written here rather than taken from a library: the roster's messages need the line a record
 * *starts* on (csv-parse, for one, reports where a record ends), the rules fit in fifty lines,
 * and a 300,000-row roster must stream through in bounded memory (issue 15).
 */
export class CsvParser {
  private fields: string[] = [];
  private field = "";
  private quoted = false;
  /** A quote just closed a quoted field: a second quote right after it is an escaped `"`. */
  private afterQuote = false;
  /** A CR ended the last record: an LF right after it belongs to the same line break. */
  private afterCr = false;
  private touched = false;
  private line = 1;
  private start = 1;
  private begun = false;

  /** Feeds the next piece of text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.begun && text.length > 0) {
      this.begun = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    // Fields are cut out of `text` with slice(), not grown a character at a time: a string built
    // by += is a rope of one node per character, and 300,000 remembered names took 180 MB so.
    let mark = i;
    const take = (to: number) => {
      if (to > mark) this.field += text.slice(mark, to);
      mark = to + 1;
    };
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          mark = i + 1;
          continue;
        }
      }
      if (this.quoted) {
        if (c === QUOTE) {
          take(i);
          this.quoted = false;
          this.afterQuote = true;
        } else if (c === LF) this.line++;
        continue;
      }
      if (c === QUOTE) {
        take(i);
        if (this.afterQuote) this.field += '"';
        this.quoted = true;
        this.touched = true;
        this.afterQuote = false;
        continue;
      }
      this.afterQuote = false;
      if (c === COMMA) {
        take(i);
        this.fields.push(this.field);
        this.field = "";
        this.touched = true;
      } else if (c === LF || c === CR) {
        take(i);
        this.endRecord(out);
        this.afterCr = c === CR;
        this.line++;
        this.start = this.line;
      }
    }
    take(text.length);
    return out;
  }

  /**
   * Ends the input; returns the last record if the text did not end with a line break.
   * @throws Error naming the line of a quoted field that is never closed
   */
  end(): CsvRecord[] {
    if (this.quoted) throw new Error(`line ${this.start}: a quoted field is never closed`);
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    if (this.touched || this.fields.length > 1 || this.field !== "") out.push({ line: this.start, fields: this.fields });
    this.fields = [];
    this.field = "";
    this.touched = false;
  }
}

/**
 * Parses a whole CSV text (see {@link CsvParser} for the rules).
 * @throws Error with the line number for an unterminated quote
 */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
