import pLimit from "p-limit";
import type { ParticipantRecord } from "../data/core-data.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { classifyError } from "./classify-error.js";
import type { ParticipantOutcome, RunRecorder } from "./run-result.js";

/** Options shared by poll and maintenance when they walk over participants. */
export interface RunParticipantsOptions {
  job: "poll" | "maintenance";
  concurrency: number;
  owner?: string;
  signal?: AbortSignal;
}

/**
 * Run `work` for each participant with a bounded pool. A participant already running in this
 * process (same job) is skipped; with `owner`, only those whose lease this owner wins are run.
 * A failure is classified, recorded in the errors table, applied as a status change, and
 * counted; it never stops the others. When `signal` aborts, no new participant starts.
 * @returns whether the signal stopped the run early.
 */
export async function runParticipants(
  ctx: PowerTokenContext,
  participants: readonly ParticipantRecord[],
  recorder: RunRecorder,
  options: RunParticipantsOptions,
  work: (participant: ParticipantRecord) => Promise<ParticipantOutcome>,
  onStatusChange?: () => void,
): Promise<boolean> {
  let running = ctx.inFlight.get(options.job);
  if (!running) {
    running = new Set();
    ctx.inFlight.set(options.job, running);
  }
  const guard = running;
  let ids = participants.map((p) => p.id).filter((id) => !guard.has(id));
  for (const p of participants) {
    if (guard.has(p.id)) recorder.add({ participantId: p.id, name: p.name, outcome: "skipped", code: "IN_PROGRESS", message: "Already running in this process." });
  }
  if (options.owner !== undefined && ids.length > 0) {
    const claimed = new Set(await ctx.data.claimParticipants({ ids, owner: options.owner, job: options.job, now: ctx.now(), leaseMs: ctx.settings.leaseMs }));
    for (const p of participants) {
      if (ids.includes(p.id) && !claimed.has(p.id)) recorder.add({ participantId: p.id, name: p.name, outcome: "skipped", code: "LEASED", message: "Another replica holds the lease." });
    }
    ids = ids.filter((id) => claimed.has(id));
  }
  const chosen = participants.filter((p) => ids.includes(p.id));
  for (const p of chosen) guard.add(p.id);

  const limit = pLimit(Math.max(1, options.concurrency));
  let aborted = false;
  try {
    await Promise.all(
      chosen.map((participant) =>
        limit(async () => {
          if (options.signal?.aborted) {
            aborted = true;
            recorder.add({ participantId: participant.id, name: participant.name, outcome: "skipped", code: "ABORTED" });
            return;
          }
          try {
            recorder.add(await work(participant));
          } catch (error) {
            recorder.add(await recordFailure(ctx, participant, options.job, error, onStatusChange));
          }
        }),
      ),
    );
  } finally {
    for (const p of chosen) guard.delete(p.id);
    if (options.owner !== undefined && ids.length > 0) {
      await ctx.data.releaseParticipants({ ids, owner: options.owner, job: options.job }).catch((error: unknown) => {
        ctx.log.warn("could not release leases", { job: options.job, code: classifyError(error).code });
      });
    }
  }
  return aborted;
}

/** Record one participant's failure: errors row, status change, log line; never throws. */
export async function recordFailure(
  ctx: PowerTokenContext,
  participant: Pick<ParticipantRecord, "id" | "name" | "status">,
  job: string,
  error: unknown,
  onStatusChange?: () => void,
): Promise<ParticipantOutcome> {
  const failure = classifyError(error);
  const at = ctx.now();
  ctx.log.warn(`${job}: participant failed`, { participantId: participant.id, code: failure.code, origin: failure.origin });
  try {
    await ctx.data.recordError({ at, participantId: participant.id, origin: `${job}:${failure.origin}`, code: failure.code, message: failure.message });
    if (failure.status && failure.status !== participant.status) {
      const changed = await ctx.data.setStatus(participant.id, failure.status, failure.code, at);
      if (changed) onStatusChange?.();
    }
  } catch (recordError) {
    ctx.log.error(`${job}: could not record a failure`, { participantId: participant.id, code: classifyError(recordError).code });
  }
  return { participantId: participant.id, name: participant.name, outcome: "failed", code: failure.code, message: failure.message };
}
