import { createConsola, type ConsolaInstance } from "consola";
import { printable } from "./_printable.js";
import { redactForOutput } from "./_redact.js";
import { renderTable, type Column } from "./_table.js";

/** Where a command prints; built once per invocation from the global flags. */
export interface Output {
  /** `--json`: stdout carries exactly one JSON document; messages go to stderr. */
  readonly json: boolean;
  /** A person is watching (stderr is a TTY): show progress and colours. */
  readonly interactive: boolean;
  /** Messages for people (stderr under `--json`, so stdout stays parseable). */
  readonly log: ConsolaInstance;
  /** A plain line on stdout (human mode only). */
  line(text?: string): void;
  /** A table on stdout (human mode only). */
  table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void;
  /** The command's result: JSON on stdout under `--json`, else `human()` prints it. Secrets are removed. */
  result(value: unknown, human: () => void): void;
  /** One JSON document on one line of stdout (for streams of events under `--json`). */
  jsonLine(value: unknown): void;
  /**
   * Interactive only: replace the one updating line on stderr with `text` (cut to the terminal's
   * width), or erase it when `text` is omitted. Does nothing in cron logs and under `--json`.
   */
  statusLine(text?: string): void;
}

/** Streams an Output writes to; tests pass their own. */
export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** Carriage return + erase the whole line (ANSI EL 2). */
const ERASE_LINE = "\r\x1b[2K";

/** Creates the output layer: consola on a TTY, plain lines in cron logs, JSON with `--json`. */
export function createOutput(options: { json: boolean; streams?: OutputStreams }): Output {
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const interactive = Boolean(streams.stderr.isTTY) && !options.json;
  const log = createConsola({
    // `fancy` is read by consola's node entry but missing from its option type.
    ...({ fancy: interactive } as object),
    level: 4,
    stdout: (options.json ? streams.stderr : streams.stdout) as NodeJS.WriteStream,
    stderr: streams.stderr as NodeJS.WriteStream,
    formatOptions: { date: !interactive, colors: interactive },
  });
  let statusShown = false;
  const write = (text: string) => {
    if (!options.json) streams.stdout.write(`${text}\n`);
  };
  return {
    json: options.json,
    interactive,
    log,
    line: (text = "") => write(printable(text)),
    table: (rows, columns) => write(renderTable(rows, columns)),
    result(value, human) {
      if (options.json) streams.stdout.write(`${JSON.stringify(redactForOutput(value), null, 2)}\n`);
      else human();
    },
    jsonLine: (value) => streams.stdout.write(`${JSON.stringify(redactForOutput(value))}\n`),
    statusLine(text) {
      if (!interactive) return;
      if (text === undefined) {
        if (statusShown) streams.stderr.write(ERASE_LINE);
        statusShown = false;
        return;
      }
      // A line wider than the terminal would wrap, and `\r` would then erase only its last row.
      const columns = streams.stderr.columns;
      streams.stderr.write(`${ERASE_LINE}${columns !== undefined && columns > 0 && text.length >= columns ? text.slice(0, Math.max(0, columns - 1)) : text}`);
      statusShown = true;
    },
  };
}
