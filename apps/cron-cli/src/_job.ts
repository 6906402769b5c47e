import { hostname } from "node:os";
import { createRuntime, findParticipant, formatQuotaUsage, quotaWorthReporting, runOutcome, runRecordedJob, type MaintenanceResult, type ParticipantOutcome, type PollResult } from "@powertoken/core";
import type { CommandEnv } from "./_command.js";
import { loadCliConfig } from "./_config.js";
import { withDatabase } from "./_database.js";
import { EXIT, UsageError } from "./_errors.js";
import { createCliLogger } from "./_logger.js";
import { startProgressDisplay } from "./_progress.js";
import { verboseProgress } from "./_verbose-progress.js";

/** Flags shared by `poll` and `maintenance`. */
export const jobArgs = {
  participant: { type: "string", description: "Only these participants (name or id; comma-separated)", valueHint: "names" },
  all: { type: "boolean", description: "poll: every active participant, not only those due (overrides poll.all / POWERTOKEN_POLL_ALL); refused by maintenance" },
  "dry-run": { type: "boolean", description: "Read everything, write nothing (no tracker writes, no database changes)" },
  verbose: { type: "boolean", description: "Log each participant's outcome and steps as it finishes, and debug messages" },
} as const;

interface JobFlags {
  config?: string;
  participant?: string;
  all?: boolean;
  "dry-run"?: boolean;
  verbose?: boolean;
}

/** The owner a CLI job run is recorded under: host and pid, so a later run can tell a dead one's rows. */
export function cliReplica(host: string, pid: number): string {
  return `cli:${host}:${pid}`;
}

/**
 * Runs one of the seed's two jobs and prints its result. A participant's failure is reported,
 * not thrown. Exit code (core's `runOutcome`): 0 when no participant failed, and also when only
 * some did (`partial`: a warning line says how many); 1 when every participant the run attempted
 * failed (the job itself is broken: WEconnect down, a bad key) or the run was interrupted
 * (Ctrl-C, SIGTERM) before every participant had started.
 */
export async function runJob(job: "poll" | "maintenance", args: JobFlags, env: CommandEnv): Promise<number> {
  if (args.participant !== undefined && args.all) throw new UsageError("Give either --participant or --all, not both.");
  // Maintenance always covers every participant: an `--all` that changes nothing is refused, not ignored.
  if (job === "maintenance" && args.all) throw new UsageError("maintenance always covers every participant: drop --all (or use --participant for some).");
  const { config } = loadCliConfig(args, env);
  const refs = args.participant?.split(",").map((s) => s.trim()).filter(Boolean);
  const participantIds = refs === undefined ? undefined : await withDatabase(config, async (h) => Promise.all(refs.map(async (r) => (await findParticipant({ db: h }, r)).id)));
  const progress = startProgressDisplay(env.out, job);
  let result: PollResult | MaintenanceResult;
  try {
    const log = createCliLogger(env.out, { verbose: Boolean(args.verbose), beforeLine: progress.clear });
    const runtime = await createRuntime(config, { log });
    try {
      // Recorded in the database (job health, alerts); a dry run is not.
      const replica = cliReplica(hostname(), process.pid);
      // The text table lists what needs a look (failed, skipped; `--verbose` logs everyone as they
      // finish), so the run holds nothing per participant; `--json` keeps the whole list.
      const outcomes = env.out.json ? ("all" as const) : ("exceptions" as const);
      const common = { dryRun: Boolean(args["dry-run"]), signal: env.signal, onProgress: verboseProgress(env.out, Boolean(args.verbose), progress.update, progress.clear), replica, outcomes, ...(participantIds ? { participantIds } : {}) };
      result = job === "poll" ? await runRecordedJob(runtime, "poll", { ...common, ...(args.all === undefined ? {} : { all: args.all }) }) : await runRecordedJob(runtime, "maintenance", common);
    } finally {
      await runtime.close();
    }
  } finally {
    progress.stop();
  }
  printResult(env, result);
  if (result.aborted) {
    env.out.log.warn(`${job} interrupted: participants not yet started were left for the next run.`);
    return EXIT.failed;
  }
  const outcome = runOutcome(result);
  switch (outcome) {
    case "ok":
      return EXIT.ok;
    case "partial":
      env.out.log.warn(`${job}: ${result.failed} participant(s) failed, the others went through (exit 0).`);
      return EXIT.ok;
    case "failed":
      if (result.job === "maintenance" && result.trackerPassesSkipped) {
        // Nobody failed: the tracker half of the job could not run at all (core logged which setting is missing).
        const settings = (result.trackerNotConfigured ?? []).map((t) => t.setting).join(", ");
        env.out.log.error(
          `maintenance NOT_CONFIGURED: no tracker work could be done (${settings} missing); the WEconnect sync ran. Under cron, pass the secrets with --env-file (\`powertoken crontab --env-file\`) (exit 1).`,
        );
        return EXIT.failed;
      }
      env.out.log.error(`${job}: every participant attempted failed (exit 1).`);
      return EXIT.failed;
  }
}

function printResult(env: CommandEnv, result: PollResult | MaintenanceResult): void {
  env.out.result(result, () => {
    const failed = result.participants.filter((p) => p.outcome === "failed");
    // A summary is a success line only when the run was: a failed or partial run's counts are a warning.
    const wentThrough = runOutcome(result) === "ok" && !result.aborted;
    const summary = (text: string) => (wentThrough ? env.out.log.success(text) : env.out.log.warn(text));
    if (result.job === "poll") {
      summary(
        `poll: ${result.polled} polled of ${result.due} due, ${result.written} written, ${result.unchanged} unchanged, ${result.skipped} skipped, ${result.failed} failed (${result.durationMs} ms)`,
      );
    } else {
      summary(
        `maintenance: ${result.activitiesUpserted} activities updated, ${result.eventsUpserted} events, ${result.tokensRefreshed} tokens refreshed, ${result.removedIncomplete} incomplete removed, ${result.failed} failed (${result.durationMs} ms)`,
      );
    }
    // Budget use only when a budget is set or an API paused or postponed someone (issue 15 item 5).
    if (result.quota && quotaWorthReporting(result.quota)) env.out.log.info(formatQuotaUsage(result.quota));
    if (result.participants.length > 0) env.out.table(result.participants, outcomeColumns);
    for (const f of failed) env.out.log.warn(`${f.name}: ${f.code ?? "FAILED"} ${f.message ?? ""}`.trim());
  });
}

const outcomeColumns = [
  { header: "participant", value: (p: ParticipantOutcome) => p.name },
  { header: "outcome", value: (p: ParticipantOutcome) => p.outcome },
  { header: "steps", value: (p: ParticipantOutcome) => p.steps, align: "right" as const },
  { header: "code", value: (p: ParticipantOutcome) => p.code },
];
