import { localDateOf } from "@powertoken/weconnect";
import type { PollCandidate } from "../data/core-data.js";
import type { ProgressListener } from "../run/run-participants.js";
import { runPagesOnOnePool, type PoolPage } from "../run/page-pool.js";
import { createRunRecorder, finishTiming, type OutcomeListing, type ApiCounts, type ParticipantOutcome, type QuotaUsage } from "../run/run-result.js";
import { trackQuotaUsage } from "../quota/quota-usage.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { pollParticipant } from "./poll-participant.js";
import { createPollPages, type PollPage } from "./poll-pages.js";
import { hasOccurrenceSoon } from "./select-due.js";
import { hasPendingToSettle } from "./settle-past-days.js";

/** Options of {@link runPoll}. */
export interface RunPollOptions {
  /** Poll every active participant, due or not. @default settings.pollAll */
  all?: boolean;
  /** Poll exactly these participants (if active), due or not. */
  participantIds?: readonly number[];
  /** Compute and report, write nothing (neither tracker nor database). */
  dryRun?: boolean;
  /** @default settings.concurrency */
  concurrency?: number;
  /** A replica id: take row leases so several processes can share one PostgreSQL. */
  owner?: string;
  /**
   * With `owner`: when this job's next run is scheduled. A participant processed in this run is
   * released until then, so no replica takes it again in the same cycle. @default now (claimable at once)
   */
  cycleEndsAt?: Date;
  signal?: AbortSignal;
  /**
   * Called once per participant as it finishes, with `done` (1 … total), `total` and its
   * outcome. The poll reads the study a page at a time, so `total` counts the participants
   * selected in the pages started so far (pages overlap: ~2,000 ahead of `done` at most):
   * it grows page by page, never falls below `done`, and is the run's whole selection once the
   * last page is read (in a run of one page, from the start). A throw is logged at debug and ignored.
   */
  onProgress?: ProgressListener;
  /** Participants read per page (memory holds about three: one finishing, one polled, one being read). @default POLL_PAGE_SIZE (1,000) */
  pageSize?: number;  /**
   * Which outcomes the result's `participants` lists: every participant's (`all`), or only the
   * failed and skipped ones (`exceptions`; counts stay whole), so a run over a large study holds
   * no per-participant list: what a long-running process streaming outcomes through `onProgress`
   * wants. @default "all"
   */
  outcomes?: OutcomeListing;
}

/** What one poll run did. */
export interface PollResult {
  job: "poll";
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  aborted: boolean;
  /** Participants selected for this run (in the pages read: an aborted run stops reading pages). */
  due: number;
  /** Participants whose WEconnect data was read and evaluated. */
  polled: number;
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
  failuresByCode: Record<string, number>;
  requests: ApiCounts;
  rateLimited: ApiCounts;
  /** Budget use per API family (requests, budget, peak per minute, waits, pauses); absent without a quota. */
  quota?: QuotaUsage;
  participants: ParticipantOutcome[];
}

/**
 * Why a candidate is due now: an occurrence starts or ends within the window (the seed's rule,
 * on real occurrences), a write is still unconfirmed (crash or failure to reconcile; today's, or a
 * past date's within SETTLE_LOOKBACK_DAYS, which the poll settles first), it has no
 * day row yet for its local today (so the day's first value, 0 or a carry-over, is shown), or
 * (catch-up) today still has open items and was last polled at least `catchUpMinutes` ago, so a
 * check-in made after the day's last occurrence is shown within about that lag. `catchUpMinutes`
 * 0 (the default here; the runtime's setting defaults to 60) turns the catch-up rule off.
 */
export function isDue(candidate: PollCandidate, now: Date, windowMinutes: number, catchUpMinutes = 0): boolean {
  if (hasPendingToSettle(candidate.pendingDates, localDateOf(now, candidate.timeZone))) return true;
  if (candidate.lastDayDate === null || candidate.lastDayDate < localDateOf(now, candidate.timeZone)) return true;
  if (hasOccurrenceSoon(candidate.activities, { now, windowMinutes })) return true;
  return catchUpMinutes > 0 && candidate.openToday > 0 && candidate.lastPolledAt !== null && now.getTime() - candidate.lastPolledAt.getTime() >= catchUpMinutes * 60_000;
}

/**
 * One polling cycle (every 15 minutes): walk the active participants a page at a time (keyset
 * on id; the next page is read while this one is polled), select the due ones of each page from
 * stored data, poll them with one bounded pool shared by the pages (a page starts once the
 * previous one has nothing left to start: runPagesOnOnePool), and report. Memory holds about
 * three pages, never the study. A participant's failure is recorded and counted, never thrown.
 * @example
 * const result = await runPoll(runtime.ctx, { signal });
 * log.info("poll", { written: result.written, failed: result.failed });
 */
export async function runPoll(ctx: PowerTokenContext, options: RunPollOptions = {}): Promise<PollResult> {
  const startedAt = ctx.now();
  const recorder = createRunRecorder(options.outcomes);
  const listener = (request: { family: keyof ApiCounts; status: number }) => recorder.countRequest(request.family, request.status);
  ctx.requestListeners.add(listener);
  const quotaUsage = await trackQuotaUsage(ctx);
  let quota: QuotaUsage | undefined;
  let aborted = false;
  let due = 0;
  try {
    const everyone = options.participantIds !== undefined || (options.all ?? ctx.settings.pollAll);
    const nextPage = createPollPages(ctx, {
      now: startedAt,
      ...(options.participantIds ? { ids: options.participantIds } : {}),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      select: everyone ? () => true : (c) => isDue(c, startedAt, ctx.settings.windowMinutes, ctx.settings.catchUpMinutes),
    });
    let done = 0;
    const onProgress: ProgressListener | undefined = options.onProgress
      ? (progress) => options.onProgress?.({ ...progress, done: (done += 1), total: due })
      : undefined;
    const read = (): Promise<PollPage | null> => {
      const reading = nextPage();
      reading.catch(() => undefined); // awaited below; this only keeps an early rejection from going unhandled
      return reading;
    };
    // The next page is read while this one is polled; a page is counted in `due` when it starts.
    let next = read();
    let started = false;
    const pages = async (): Promise<PoolPage | null> => {
      // After an abort no further page starts (the first one does: its participants are reported
      // ABORTED); the page being read is awaited so no query outlives the run.
      if (started && options.signal?.aborted) return next.then(() => null, () => null);
      const page = await next;
      if (page === null || (started && options.signal?.aborted)) return null;
      started = true;
      next = read();
      due += page.participants.length;
      return { participants: page.participants, work: (participant) => pollParticipant(ctx, participant, { dryRun: options.dryRun ?? false, preloaded: page.preloaded.get(participant.id) }) };
    };
    aborted = await runPagesOnOnePool(ctx, pages, recorder, {
      job: "poll",
      concurrency: options.concurrency ?? ctx.settings.concurrency,
      owner: options.owner,
      cycleEndsAt: options.cycleEndsAt,
      signal: options.signal,
      onProgress,
    });
  } finally {
    ctx.requestListeners.delete(listener);
    quota = quotaUsage.finish();
  }
  const tally = recorder.tally();
  const written = recorder.count("written");
  const unchanged = recorder.count("unchanged");
  const dryRuns = tally.participants.filter((p) => p.code === "DRY_RUN").length;
  return {
    job: "poll",
    ...finishTiming(startedAt, ctx.now(), aborted || (options.signal?.aborted ?? false)),
    due,
    polled: written + unchanged + dryRuns,
    written,
    unchanged,
    skipped: recorder.count("skipped"),
    failed: tally.failed,
    failuresByCode: tally.failuresByCode,
    requests: recorder.requests(),
    rateLimited: recorder.rateLimited(),
    ...(quota ? { quota } : {}),
    participants: tally.participants,
  };
}
