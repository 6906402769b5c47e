import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { importParticipants, listParticipants, type PowerTokenConfig, type PowerTokenRuntime } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { CliError, UsageError } from "../../_errors.js";
import { decodeRoster, parseRoster, type RosterEntry } from "../../_roster.js";

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
    const text = args.file === "-" ? await readAll(env.stdin) : readRoster(resolve(env.cwd, args.file));
    const entries = parseRoster(text, format);
    const rows = entries.map((e) => e.row);
    const { config } = loadCliConfig(args, env);
    const withTokens = rows.filter((r) => r.weconnectToken !== undefined || r.trackerAccessToken !== undefined).length;
    if (args["dry-run"]) {
      env.out.result({ dryRun: true, valid: rows.length, withTokens }, () =>
        env.out.log.success(`${rows.length} participant(s) valid (${withTokens} with tokens); nothing written (--dry-run).`),
      );
      return;
    }
    const imported = await withRuntime(config, (runtime) => importRows(runtime, config, entries));
    env.out.result({ imported: imported.length, withTokens, participants: imported }, () => {
      env.out.log.success(`Imported ${imported.length} participant(s) (${withTokens} with tokens).`);
      env.out.table(imported, [
        { header: "id", value: (p) => p.id, align: "right" },
        { header: "name", value: (p) => p.name },
        { header: "state", value: (p) => p.status },
      ]);
    });
  },
});

/** One transaction (core's `importParticipants`): a bad row (a taken name, a missing key) leaves the database as it was. */
async function importRows(runtime: PowerTokenRuntime, config: PowerTokenConfig, entries: readonly RosterEntry[]) {
  const needsKey = entries.some(({ row: r }) => r.weconnectToken !== undefined || r.trackerAccessToken !== undefined);
  if (needsKey && runtime.db.keys === undefined) {
    throw new CliError("NOT_CONFIGURED", "The roster carries tokens but no encryption key is configured (encryption.keyFile or POWERTOKEN_ENCRYPTION_KEY). Run `powertoken init` first.");
  }
  // Names already enrolled are reported all at once, by line; the transaction still guards races.
  const enrolled = new Set((await listParticipants(runtime)).map((p) => p.name));
  const taken = entries.filter((e) => enrolled.has(e.row.name)).map((e) => `${e.where}: name "${e.row.name}" is already enrolled`);
  if (taken.length > 0) throw new CliError("ROSTER_INVALID", `${taken.length} participant(s) of the roster are already enrolled; nothing was imported.`, taken);
  return importParticipants(
    runtime,
    entries.map(({ row }) => ({
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
    })),
  );
}

function readRoster(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new CliError("NOT_FOUND", `Cannot read the roster ${path}. Check the path.`);
  }
  return decodeRoster(bytes);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return decodeRoster(Buffer.concat(chunks));
}
