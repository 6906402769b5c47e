import pLimit from "p-limit";
import type { ParticipantRecord } from "../data/core-data.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { runWithQuota } from "../quota/participant-quota.js";
import { classifyError } from "./classify-error.js";
import { confirmFailure } from "./confirm-unauthorized.js";
import type { ParticipantOutcome, RunRecorder } from "./run-result.js";

/** One participant of a run has finished (see `onProgress` on runPoll and runMaintenance). */
export interface RunProgress {
  job: "poll" | "maintenance";
  /** Participants finished so far in this run, this one included (1 … total). */
  done: number;
  /** Participants this run attempts; those skipped as `LEASED`, `IN_PROGRESS` or `ABORTED` count as done. */
  total: number;
  /** How this participant ended (the same object as in the run's result). */
  outcome: ParticipantOutcome;
}

/** Called once per participant as it finishes; a throw (or rejected promise) is logged at debug and ignored. */
export type ProgressListener = (progress: RunProgress) => void;

/** Options shared by poll and maintenance when they walk over participants. */
export interface RunParticipantsOptions {
  job: "poll" | "maintenance";
  concurrency: number;
  owner?: string;
  /** When this job's next cycle starts: a lease released after processing holds until then. */
  cycleEndsAt?: Date;
  signal?: AbortSignal;
  /** Called once per participant as it finishes; it can never break the run. */
  onProgress?: ProgressListener;
}

type Work = (participant: ParticipantRecord) => Promise<ParticipantOutcome>;

/**
 * Run `work` for each participant with a bounded pool. A participant already running in this
 * process (same job) is skipped (`IN_PROGRESS`). With `owner`, participants are claimed in small
 * batches (2 × concurrency, in a shuffled order per run) through row leases, each batch processed
 * and released until `cycleEndsAt`, so several replicas split a cycle's work and none takes a
 * participant another one already did this cycle; those held elsewhere are skipped (`LEASED`).
 * A failure is classified, recorded in the errors table, applied as a status change, and
 * counted; it never stops the others. When `signal` aborts, no new participant starts.
 * Every outcome recorded here is also reported to `options.onProgress` with `done`/`total`.
 * @returns whether the signal stopped the run early.
 */
export async function runParticipants(
  ctx: PowerTokenContext,
  participants: readonly ParticipantRecord[],
  recorder: RunRecorder,
  options: RunParticipantsOptions,
  work: Work,
  onStatusChange?: () => void,
): Promise<boolean> {
  if (options.onProgress) recorder = reportingProgress(ctx, recorder, options.job, participants.length, options.onProgress);
  let guard = ctx.inFlight.get(options.job);
  if (!guard) {
    guard = new Set();
    ctx.inFlight.set(options.job, guard);
  }
  if (options.owner === undefined) {
    const free = withoutInProgress(participants, guard, recorder);
    return (await runBatch(ctx, free, guard, recorder, options, work, onStatusChange)).aborted;
  }
  return runLeased(ctx, participants, guard, recorder, { ...options, owner: options.owner }, work, onStatusChange);
}

/** A recorder that also tells `listener` about each outcome; the listener can never throw into the run. */
function reportingProgress(ctx: PowerTokenContext, recorder: RunRecorder, job: RunProgress["job"], total: number, listener: ProgressListener): RunRecorder {
  let done = 0;
  const ignore = (error: unknown) => ctx.log.debug("onProgress threw; ignored", { job, code: classifyError(error).code });
  return {
    ...recorder,
    add(outcome) {
      recorder.add(outcome);
      done += 1;
      try {
        // A listener typed `=> void` may still be async: a rejection must not go unhandled.
        const returned: unknown = listener({ job, done, total, outcome });
        if (returned instanceof Promise) returned.catch(ignore);
      } catch (error) {
        ignore(error);
      }
    },
  };
}

function withoutInProgress(participants: readonly ParticipantRecord[], guard: Set<number>, recorder: RunRecorder): ParticipantRecord[] {
  const free: ParticipantRecord[] = [];
  for (const p of participants) {
    if (guard.has(p.id)) recorder.add({ participantId: p.id, name: p.name, outcome: "skipped", code: "IN_PROGRESS", message: "Already running in this process." });
    else free.push(p);
  }
  return free;
}

/**
 * Claim, process and release batches until every selected participant was tried. Batches
 * overlap: the next one is claimed once fewer than `concurrency` participants of the current one
 * wait for a slot, and they share one pool of `concurrency` slots. Waiting for a batch's slowest
 * participant before claiming the next left the pool draining at every batch end: 1.5 × the
 * latency bound at 10,000 participants (concurrency 64), against 1.15 without leases.
 */
async function runLeased(
  ctx: PowerTokenContext,
  participants: readonly ParticipantRecord[],
  guard: Set<number>,
  recorder: RunRecorder,
  options: RunParticipantsOptions & { owner: string },
  work: Work,
  onStatusChange?: () => void,
): Promise<boolean> {
  const { owner, job } = options;
  const freeBy = claimableBy(ctx.now(), options.cycleEndsAt);
  const order = shuffled(participants);
  const batchSize = 2 * Math.max(1, options.concurrency);
  const slots = pLimit(Math.max(1, options.concurrency));
  const running: Array<Promise<boolean>> = [];
  let aborted = false;
  try {
    for (let next = 0; next < order.length; ) {
      if (options.signal?.aborted) {
        aborted = true;
        for (const p of order.slice(next)) recorder.add({ participantId: p.id, name: p.name, outcome: "skipped", code: "ABORTED" });
        break;
      }
      const candidates = withoutInProgress(order.slice(next, next + batchSize), guard, recorder);
      next += batchSize;
      if (candidates.length === 0) continue;
      const claimed = new Set(await ctx.data.claimParticipants({ ids: candidates.map((p) => p.id), owner, job, now: ctx.now(), leaseMs: ctx.settings.leaseMs, freeBy }));
      const batch: ParticipantRecord[] = [];
      for (const p of candidates) {
        if (claimed.has(p.id)) batch.push(p);
        else recorder.add({ participantId: p.id, name: p.name, outcome: "skipped", code: "LEASED", message: "Another replica holds the lease." });
      }
      if (batch.length === 0) continue;
      const run = startLeasedBatch(ctx, batch, guard, recorder, options, slots, work, onStatusChange);
      running.push(run.finished);
      await Promise.race([run.readyForNext, run.finished]);
    }
  } finally {
    // Even when a claim throws, no batch outlives the run (the runtime may close its database next).
    const settled = await Promise.allSettled(running);
    for (const s of settled) if (s.status === "fulfilled" && s.value) aborted = true;
  }
  return aborted;
}

/**
 * Process one claimed batch on the shared `slots`, renewing its leases while it runs and
 * releasing them at its end. `readyForNext` resolves once fewer than `concurrency` of the batch
 * still wait for a slot (time to claim the next); `finished` with whether the signal stopped it.
 */
function startLeasedBatch(
  ctx: PowerTokenContext,
  batch: readonly ParticipantRecord[],
  guard: Set<number>,
  recorder: RunRecorder,
  options: RunParticipantsOptions & { owner: string },
  slots: ReturnType<typeof pLimit>,
  work: Work,
  onStatusChange?: () => void,
): { readyForNext: Promise<void>; finished: Promise<boolean> } {
  const { owner, job } = options;
  const leaseMs = ctx.settings.leaseMs;
  const waiting = new Set(batch.map((p) => p.id));
  // The next claim is a database round trip: begin it while this batch still has a slot's worth
  // of participants queued, so the slots do not idle while it runs.
  const lowWater = Math.min(Math.max(1, options.concurrency), batch.length);
  let markReady = () => {};
  const readyForNext = new Promise<void>((resolve) => (markReady = resolve));
  const started = (id: number) => {
    if (waiting.delete(id) && waiting.size < lowWater) markReady();
  };
  const finished = (async () => {
    const startedMs = performance.now();
    const pending = new Set(batch.map((p) => p.id));
    // Renew what is still running halfway through the lease; a batch should never need it.
    const renewal = setInterval(() => {
      ctx.log.warn("lease renewal: a batch is taking more than half the lease", { job, batch: batch.length, pending: pending.size, leaseMs });
      ctx.data.renewParticipants({ ids: [...pending], owner, job, now: ctx.now(), leaseMs }).catch((error: unknown) => {
        ctx.log.warn("could not renew leases", { job, code: classifyError(error).code });
      });
    }, Math.max(1, Math.floor(leaseMs / 2)));
    renewal.unref();
    let result: { aborted: boolean; done: number[] };
    try {
      result = await runBatch(ctx, batch, guard, recorder, options, work, onStatusChange, (id) => pending.delete(id), { slots, onStart: started });
    } finally {
      clearInterval(renewal);
      markReady();
    }
    const tookMs = performance.now() - startedMs;
    if (tookMs > leaseMs) ctx.log.warn("a leased batch took longer than the lease", { job, batch: batch.length, durationMs: Math.round(tookMs), leaseMs });

    // Processed ones are not due again before the next cycle; unstarted ones (aborted) at once.
    const now = ctx.now();
    const until = options.cycleEndsAt !== undefined && options.cycleEndsAt.getTime() > now.getTime() ? options.cycleEndsAt : now;
    const doneIds = new Set(result.done);
    await release(ctx, { ids: result.done, owner, job, until });
    await release(ctx, { ids: batch.map((p) => p.id).filter((id) => !doneIds.has(id)), owner, job, until: now });
    return result.aborted;
  })();
  return { readyForNext, finished };
}

/**
 * The latest `until` a lease may have for this run to take it: the run's start, and never the
 * cycle's end or later. A participant released as done this cycle is held until `cycleEndsAt`; a
 * run that is still claiming after that (it overran, or started late on a busy machine) must not
 * take it again, or one cycle polls it twice. A lease that expires during the run (a replica died)
 * is left to the next run.
 */
function claimableBy(runStartedAt: Date, cycleEndsAt: Date | undefined): Date {
  if (cycleEndsAt === undefined || cycleEndsAt.getTime() > runStartedAt.getTime()) return runStartedAt;
  return new Date(cycleEndsAt.getTime() - 1);
}

async function release(ctx: PowerTokenContext, input: { ids: number[]; owner: string; job: string; until: Date }): Promise<void> {
  if (input.ids.length === 0) return;
  await ctx.data.releaseParticipants(input).catch((error: unknown) => {
    // Not fatal: the leases expire after leaseMs and the participants are taken then.
    ctx.log.warn("could not release leases", { job: input.job, code: classifyError(error).code });
  });
}

/** Process `batch` with the pool; returns whether the signal stopped it and which ids ran. */
async function runBatch(
  ctx: PowerTokenContext,
  batch: readonly ParticipantRecord[],
  guard: Set<number>,
  recorder: RunRecorder,
  options: RunParticipantsOptions,
  work: Work,
  onStatusChange?: () => void,
  onDone?: (id: number) => void,
  shared?: { slots: ReturnType<typeof pLimit>; onStart: (id: number) => void },
): Promise<{ aborted: boolean; done: number[] }> {
  for (const p of batch) guard.add(p.id);
  const limit = shared?.slots ?? pLimit(Math.max(1, options.concurrency));
  const done: number[] = [];
  let aborted = false;
  try {
    await Promise.all(
      batch.map((participant) =>
        limit(async () => {
          shared?.onStart(participant.id);
          if (options.signal?.aborted) {
            aborted = true;
            recorder.add({ participantId: participant.id, name: participant.name, outcome: "skipped", code: "ABORTED" });
            return;
          }
          try {
            // A participant postponed by a 429, or needing a paused API, is skipped RATE_LIMITED (issue 15 item 5).
            recorder.add(await runWithQuota(ctx, participant, { job: options.job, signal: options.signal }, () => work(participant)));
          } catch (error) {
            recorder.add(await recordFailure(ctx, participant, options.job, error, onStatusChange));
          }
          done.push(participant.id);
          onDone?.(participant.id);
        }),
      ),
    );
  } finally {
    for (const p of batch) guard.delete(p.id);
  }
  return { aborted, done };
}

/** A copy in random order (Fisher–Yates), so replicas walk the same selection differently. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Record one participant's failure: errors row, status change, log line; never throws. A status
 * change needs proof: a WEconnect 401 is first confirmed with a token check (confirmFailure), so
 * pass the participant's `weconnect` link when there is one.
 */
export async function recordFailure(
  ctx: PowerTokenContext,
  participant: Pick<ParticipantRecord, "id" | "name" | "status"> & { weconnect?: ParticipantRecord["weconnect"] },
  job: string,
  error: unknown,
  onStatusChange?: () => void,
): Promise<ParticipantOutcome> {
  const failure = await confirmFailure(ctx, participant, classifyError(error)).catch(() => classifyError(error));
  const at = ctx.now();
  ctx.log.warn(`${job}: participant failed`, { participantId: participant.id, code: failure.code, origin: failure.origin });
  try {
    await ctx.data.recordError({ at, participantId: participant.id, origin: `${job}:${failure.origin}`, code: failure.code, message: failure.message });
    if (failure.status && failure.status !== participant.status) {
      const changed = await ctx.data.setStatus(participant.id, failure.status, failure.reason ?? failure.code, at);
      if (changed) onStatusChange?.();
    }
  } catch (recordError) {
    ctx.log.error(`${job}: could not record a failure`, { participantId: participant.id, code: classifyError(recordError).code });
  }
  return { participantId: participant.id, name: participant.name, outcome: "failed", code: failure.code, message: failure.message };
}
