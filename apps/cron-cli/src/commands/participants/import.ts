import { createReadStream, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { findEnrolledNames, importParticipants, isPowerTokenError, type ImportedParticipant, type ImportParticipantInput, type PowerTokenConfig } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { CliError, UsageError } from "../../_errors.js";
import type { RosterEntry } from "../../_roster.js";
import { rosterEntries, validateRoster, type RosterSource } from "../../_roster-stream.js";

/** Imports up to this size are listed participant by participant; larger ones are summarised. */
const LIST_LIMIT = 1000;

export default command({
  name: "powertoken participants import",
  description: "Enroll many participants from a CSV or JSON roster, optionally with tokens obtained elsewhere. All or nothing.",
  examples: [
    "powertoken participants import roster.csv",
    "powertoken participants import roster.json --dry-run",
    "cat roster.csv | powertoken participants import - --format csv",
  ],
  args: {
    file: { type: "positional", description: "Roster file (.csv or .json), or - for stdin" },
    format: { type: "string", description: "csv or json (default: from the file extension)", valueHint: "csv|json" },
    "dry-run": { type: "boolean", description: "Validate only; write nothing" },
  },
  async run(args, env) {
    const format = args.format ?? (extname(args.file).toLowerCase() === ".json" ? "json" : extname(args.file).toLowerCase() === ".csv" ? "csv" : undefined);
    if (format !== "csv" && format !== "json") throw new UsageError("Say --format csv or --format json (the file name does not end in .csv or .json).");
    const source = args.file === "-" ? await stdinSource(env.stdin) : fileSource(resolve(env.cwd, args.file));
    const { config } = loadCliConfig(args, env);
    if (args["dry-run"]) {
      const { valid, withTokens, enrolledChecked } = await dryRun(source, format, config);
      const unchecked = enrolledChecked ? "" : " Names already enrolled were not checked: there is no database yet.";
      env.out.result({ dryRun: true, valid, withTokens, enrolledChecked }, () => env.out.log.success(`${valid} participant(s) valid (${withTokens} with tokens); nothing written (--dry-run).${unchecked}`));
      return;
    }
    const { result, listed } = await withRuntime(config, async (runtime) => {
      // All or nothing, in two passes: every row is validated (and every taken name found) before
      // anything is written; then one transaction inserts the rows in batches of 1,000, so a row
      // that fails only then (a name taken meanwhile) rolls the whole import back.
      const summary = await validateRoster(source, format, {
        enrolled: (names) => findEnrolledNames(runtime, names),
        tokensGiven: () => {
          if (runtime.db.keys !== undefined) return;
          throw new CliError("NOT_CONFIGURED", "The roster carries tokens but no encryption key is configured (encryption.keyFile or POWERTOKEN_ENCRYPTION_KEY). Run `powertoken init` first.");
        },
      });
      const listed: ImportedParticipant[] = [];
      const result = await importParticipants(runtime, toInputs(rosterEntries(source, format), config), {
        onBatch: (rows) => {
          if (summary.valid <= LIST_LIMIT) listed.push(...rows);
        },
      });
      return { result, listed };
    });
    const { imported, withTokens, byStatus } = result;
    env.out.result({ imported, withTokens, byStatus, ...(imported <= LIST_LIMIT ? { participants: listed } : {}) }, () => {
      env.out.log.success(`Imported ${imported} participant(s) (${withTokens} with tokens).`);
      if (imported > LIST_LIMIT) {
        env.out.log.info(`By state: ${Object.entries(byStatus).map(([state, n]) => `${state} ${n}`).join(", ")}. \`powertoken participants list\` lists them.`);
        return;
      }
      env.out.table(listed, [
        { header: "id", value: (p) => p.id, align: "right" },
        { header: "name", value: (p) => p.name },
        { header: "state", value: (p) => p.status },
      ]);
    });
  },
});

/**
 * The import's first pass and nothing more: with a database, names already enrolled are problems
 * too (the real import would refuse them); without one (a roster checked before `init`), the rows
 * alone are validated and the answer says the enrolled names were not checked.
 */
async function dryRun(source: RosterSource, format: "csv" | "json", config: PowerTokenConfig): Promise<{ valid: number; withTokens: number; enrolledChecked: boolean }> {
  try {
    const summary = await withRuntime(config, (runtime) => validateRoster(source, format, { enrolled: (names) => findEnrolledNames(runtime, names) }));
    return { ...summary, enrolledChecked: true };
  } catch (error) {
    if (!isPowerTokenError(error) || error.code !== "DATABASE_MISSING") throw error;
    return { ...(await validateRoster(source, format)), enrolledChecked: false };
  }
}

async function* toInputs(entries: AsyncIterable<RosterEntry>, config: PowerTokenConfig): AsyncGenerator<ImportParticipantInput> {
  for await (const { row } of entries) {
    yield {
      name: row.name,
      ...(row.timeZone === undefined ? {} : { timeZone: row.timeZone }),
      ...(row.enrollmentStart === undefined ? {} : { startDate: row.enrollmentStart }),
      endDate: row.enrollmentEnd ?? null,
      ...(row.mapping === undefined ? {} : { mapping: row.mapping }),
      ...(row.goalSteps === undefined ? {} : { goalSteps: row.goalSteps }),
      ...(row.stepsPerUnit === undefined ? {} : { scale: row.stepsPerUnit }),
      ...(row.weconnectToken !== undefined && row.weconnectPersonId !== undefined
        ? { weconnect: { personId: row.weconnectPersonId, accessToken: row.weconnectToken, tokenExpiresAt: row.weconnectTokenExpiresAt ? new Date(row.weconnectTokenExpiresAt) : null } }
        : {}),
      ...(row.trackerAccessToken === undefined
        ? {}
        : {
            tracker: {
              backend: row.backend ?? config.defaults.backend,
              externalUserId: row.trackerUserId ?? null,
              accessToken: row.trackerAccessToken,
              refreshToken: row.trackerRefreshToken ?? null,
              // Unknown expiry: treat as already expired, so the first use refreshes it.
              expiresAt: row.trackerExpiresAt ? new Date(row.trackerExpiresAt) : new Date(0),
              scopes: row.trackerScopes?.split(/[\s,]+/).filter(Boolean) ?? [],
            },
          }),
    };
  }
}

/** A roster file, opened afresh for each pass. */
function fileSource(path: string): RosterSource {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new CliError("NOT_FOUND", `Cannot read the roster ${path}. Check the path.`);
  return () => createReadStream(path, { highWaterMark: 64 * 1024 });
}

/**
 * stdin can be read once, so its bytes are kept (compact: a 300,000-row roster is 10 MB) and
 * handed out in pieces, which keeps the parsed rows as bounded as for a file.
 */
async function stdinSource(stream: NodeJS.ReadableStream): Promise<RosterSource> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  const bytes = Buffer.concat(chunks);
  return async function* pieces() {
    for (let i = 0; i < bytes.length; i += 256 * 1024) yield bytes.subarray(i, i + 256 * 1024);
  };
}
