import pLimit from "p-limit";
import type { ParticipantRecord } from "../data/core-data.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { runParticipants, type RunParticipantsOptions } from "./run-participants.js";
import type { ParticipantOutcome, RunRecorder } from "./run-result.js";

/** One page of a paged run: its participants and the work each of them gets. */
export interface PoolPage {
  participants: readonly ParticipantRecord[];
  work: (participant: ParticipantRecord) => Promise<ParticipantOutcome>;
}

/**
 * Run a job's pages of participants over one pool of `options.concurrency` slots, shared by
 * every page. `nextPage` is asked for the next page once the current one has nothing left to
 * start (each of its participants has started or been recorded, e.g. skipped), and returns null
 * when there is none. Pages overlap for that reason: waiting for a page's slowest participant
 * before starting the next left the pool draining at every page end (up to one slow
 * participant's time per page; at 10,000 participants and pages of 1,000 that measured within
 * the noise, but it grows with slow answers and small pages). The shared slots keep the participants in flight at `concurrency` at most, whatever the overlap.
 * Each page goes through runParticipants (in-process guard, leases with `owner`, failures,
 * `onProgress`). Memory holds about three pages: one finishing, one running, one being read.
 * If `nextPage` throws, the pages already running are awaited before the error is rethrown, so
 * no participant's work outlives the run (the runtime may close its database next).
 * @returns whether the signal stopped any page early.
 */
export async function runPagesOnOnePool(
  ctx: PowerTokenContext,
  nextPage: () => Promise<PoolPage | null>,
  recorder: RunRecorder,
  options: RunParticipantsOptions,
  onStatusChange?: () => void,
): Promise<boolean> {
  const slots = pLimit(Math.max(1, options.concurrency));
  const running: Array<Promise<boolean>> = [];
  try {
    for (;;) {
      const page = await nextPage();
      if (page === null) break;
      const run = startPage(ctx, page, recorder, options, slots, onStatusChange);
      running.push(run.finished);
      await Promise.race([run.allStarted, run.finished]);
    }
  } catch (error) {
    await Promise.allSettled(running);
    throw error;
  }
  return (await Promise.all(running)).some(Boolean);
}

/** Start one page; `allStarted` resolves once each of its participants has started or been recorded. */
function startPage(
  ctx: PowerTokenContext,
  page: PoolPage,
  recorder: RunRecorder,
  options: RunParticipantsOptions,
  slots: ReturnType<typeof pLimit>,
  onStatusChange?: () => void,
): { allStarted: Promise<void>; finished: Promise<boolean> } {
  const waiting = new Set(page.participants.map((p) => p.id));
  let markAllStarted = () => {};
  const allStarted = new Promise<void>((resolve) => (markAllStarted = resolve));
  const started = (id: number) => {
    if (waiting.delete(id) && waiting.size === 0) markAllStarted();
  };
  // Skips (in progress elsewhere, leased, aborted, rate limited) never reach `work`: their outcome marks them.
  const tracking: RunRecorder = {
    ...recorder,
    add(outcome) {
      recorder.add(outcome);
      started(outcome.participantId);
    },
  };
  // A participant counts as started when this page's own pool hands it over, before it waits for a
  // shared slot: the next page is then read and claimed while the slot is awaited, not after.
  const finished = runParticipants(
    ctx,
    page.participants,
    tracking,
    options,
    (p) => {
      started(p.id);
      return slots(() => page.work(p));
    },
    onStatusChange,
  );
  return { allStarted, finished };
}
