import { createRuntime, runMaintenance, runPoll, type MaintenanceResult, type ParticipantOutcome, type PollResult } from "@powertoken/core";
import type { CommandEnv } from "./_command.js";
import { loadCliConfig } from "./_config.js";
import { withDatabase } from "./_database.js";
import { UsageError } from "./_errors.js";
import { createCliLogger } from "./_logger.js";
import { findParticipant } from "./_participant-ref.js";
import { startProgressDisplay } from "./_progress.js";

/** Flags shared by `poll` and `maintenance`. */
export const jobArgs = {
  participant: { type: "string", description: "Only these participants (name or id; comma-separated)", valueHint: "names" },
  all: { type: "boolean", description: "Every active participant (poll: not only those with an activity due)" },
  "dry-run": { type: "boolean", description: "Read everything, write nothing (no tracker writes, no database changes)" },
  verbose: { type: "boolean", description: "Log every step (debug level)" },
} as const;

interface JobFlags {
  config?: string;
  participant?: string;
  all?: boolean;
  "dry-run"?: boolean;
  verbose?: boolean;
}

/**
 * Runs one of the seed's two jobs and prints its result. A participant's failure is reported,
 * not thrown: the exit code is 0 when the run completed, 1 when the run itself failed or was
 * interrupted (Ctrl-C, SIGTERM) before every participant had started.
 */
export async function runJob(job: "poll" | "maintenance", args: JobFlags, env: CommandEnv): Promise<number> {
  if (args.participant !== undefined && args.all) throw new UsageError("Give either --participant or --all, not both.");
  const { config } = loadCliConfig(args, env);
  const refs = args.participant?.split(",").map((s) => s.trim()).filter(Boolean);
  const participantIds = refs === undefined ? undefined : await withDatabase(config, async (h) => Promise.all(refs.map(async (r) => (await findParticipant(h, r)).id)));
  const progress = startProgressDisplay(env.out, job);
  let result: PollResult | MaintenanceResult;
  try {
    const log = createCliLogger(env.out, { verbose: Boolean(args.verbose), beforeLine: progress.clear });
    const runtime = await createRuntime(config, { log });
    try {
      const common = { dryRun: Boolean(args["dry-run"]), signal: env.signal, onProgress: progress.update, ...(participantIds ? { participantIds } : {}) };
      result = job === "poll" ? await runPoll(runtime.ctx, { ...common, all: Boolean(args.all) }) : await runMaintenance(runtime.ctx, common);
    } finally {
      await runtime.close();
    }
  } finally {
    progress.stop();
  }
  printResult(env, result);
  if (result.aborted) {
    env.out.log.warn(`${job} interrupted: participants not yet started were left for the next run.`);
    return 1;
  }
  return 0;
}

function printResult(env: CommandEnv, result: PollResult | MaintenanceResult): void {
  env.out.result(result, () => {
    const failed = result.participants.filter((p) => p.outcome === "failed");
    if (result.job === "poll") {
      env.out.log.success(
        `poll: ${result.polled} polled of ${result.due} due, ${result.written} written, ${result.unchanged} unchanged, ${result.skipped} skipped, ${result.failed} failed (${result.durationMs} ms)`,
      );
    } else {
      env.out.log.success(
        `maintenance: ${result.activitiesUpserted} activities updated, ${result.eventsUpserted} events, ${result.tokensRefreshed} tokens refreshed, ${result.removedIncomplete} incomplete removed, ${result.failed} failed (${result.durationMs} ms)`,
      );
    }
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
