import { createWriteStream, renameSync, rmSync, type WriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { exportDays, findParticipant } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { parseDateFlag } from "../../_date-flag.js";
import { UsageError } from "../../_errors.js";

export default command({
  name: "powertoken export days",
  description:
    "The day table for a date range, the whole study or one participant: CSV (header row, RFC 4180) or JSON lines (one object per day). Streamed: memory stays flat however large the study. Dates are the participants' local dates, inclusive.",
  examples: [
    "powertoken export days --since 2026-11-01 --until 2026-11-30 > days.csv",
    "powertoken export days --since 2026-11-01 --until 2026-11-30 --participant alice --format json",
    "powertoken export days --since 2026-11-01 --until 2026-11-30 --output days.csv --json   # prints {output, rows}",
  ],
  args: {
    since: { type: "string", description: "First local date, YYYY-MM-DD (required)", valueHint: "date" },
    until: { type: "string", description: "Last local date, YYYY-MM-DD (required)", valueHint: "date" },
    participant: { type: "string", description: "Only this participant (name or id)", valueHint: "name" },
    format: { type: "string", description: "csv (default) or json (JSON lines)", valueHint: "format" },
    output: { type: "string", description: "Write to this file instead of stdout", valueHint: "file" },
  },
  async run(args, env) {
    const since = parseDateFlag(args.since, "since");
    const until = parseDateFlag(args.until, "until");
    if (since > until) throw new UsageError(`--since (${since}) must not be after --until (${until}).`);
    const format = args.format ?? "csv";
    if (format !== "csv" && format !== "json") throw new UsageError(`--format is csv or json, got "${format}".`);
    if (args.json && args.output === undefined) throw new UsageError("The export itself goes to stdout: use --format json for JSON lines, or --output with --json for a summary.");
    const { config } = loadCliConfig(args, env);
    const rows = await withRuntime(config, async (runtime) => {
      const participantId = args.participant === undefined ? undefined : (await findParticipant(runtime, args.participant)).id;
      const chunks = exportDays(runtime, { since, until, format, ...(participantId === undefined ? {} : { participantId }) });
      let lines = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          for (const byte of chunk) if (byte === 10) lines += 1;
          done(null, chunk);
        },
      });
      if (args.output === undefined) await pipeline(Readable.from(chunks), counter, process.stdout, { end: false });
      else await writeWhole(args.output, (file) => pipeline(Readable.from(chunks), counter, file));
      return format === "csv" ? Math.max(0, lines - 1) : lines;
    });
    if (args.output !== undefined) env.out.result({ output: args.output, rows }, () => env.out.log.success(`Wrote ${rows} day rows to ${args.output}.`));
  },
});

/**
 * Writes `path` through a temporary file beside it, renamed into place only once the export
 * finished: an export that fails half-way (a damaged database, a full disk) leaves no truncated
 * file that looks like a complete one, and an earlier good export at that path survives.
 */
async function writeWhole(path: string, fill: (file: WriteStream) => Promise<void>): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await fill(createWriteStream(partial, { mode: 0o600 }));
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
