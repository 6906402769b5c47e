import { runPagesOnOnePool, type PoolPage } from "../run/page-pool.js";
import type { ProgressListener } from "../run/run-participants.js";
import type { ParticipantOutcome, RunRecorder } from "../run/run-result.js";
import type { ParticipantRecord } from "../data/core-data.js";
import type { PowerTokenContext } from "../runtime/context.js";
import type { MaintenanceInputs, MaintenancePage } from "./maintenance-inputs.js";

/**
 * Participants per page. A run holds at most three pages (one finishing, one running, one being
 * read), about 5 KB each per participant (issue 17: memory flat in N).
 */
export const MAINTENANCE_PAGE_SIZE = 1000;

/** What {@link walkMaintenancePages} takes from runMaintenance's options. */
export interface WalkPagesOptions {
  participantIds?: readonly number[];
  owner?: string;
  cycleEndsAt?: Date;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

type Work = (p: ParticipantRecord, inputs: MaintenanceInputs) => Promise<ParticipantOutcome>;

/**
 * Walk the participants maintenance works on a keyset page at a time: each page comes with its
 * inputs in a few queries, the next page is read while this one is processed by
 * runParticipants, and progress counts across pages (its total is counted when the walk starts).
 * A page starts as soon as the previous one has nothing left to start, and all pages share one
 * pool of `concurrency` slots (runPagesOnOnePool, shared with the poll): waiting for a page's last
 * participants before starting the next left the pool draining for about a round trip per page
 * (6 % of a run at concurrency 64).
 * After an abort the remaining pages are still listed, without their inputs, so every participant
 * is reported (as `ABORTED`). Returns whether the signal stopped the run.
 */
export async function walkMaintenancePages(ctx: PowerTokenContext, options: WalkPagesOptions, work: Work, recorder: RunRecorder, onStatusChange: () => void): Promise<boolean> {
  const now = ctx.now();
  const ids = options.participantIds;
  const listener = options.onProgress;
  let onProgress: ProgressListener | undefined;
  if (listener) {
    const total = await ctx.data.countMaintenanceParticipants(ids ? { ids } : undefined);
    let done = 0;
    onProgress = (progress) => listener({ ...progress, done: (done += 1), total });
  }
  const load = (afterId: number): Promise<MaintenancePage> => {
    const loading = ctx.data.loadMaintenancePage({ afterId, limit: MAINTENANCE_PAGE_SIZE, now, withInputs: !options.signal?.aborted, ...(ids ? { ids } : {}) });
    loading.catch(() => undefined); // awaited below; this only keeps an early rejection from going unhandled
    return loading;
  };
  let next: Promise<MaintenancePage> | undefined = load(0);
  const pages = async (): Promise<PoolPage | null> => {
    if (!next) return null;
    const page: MaintenancePage = await next;
    // A short page is the last one: no query just to learn that the next is empty.
    next = page.lastId !== null && page.participants.length >= MAINTENANCE_PAGE_SIZE ? load(page.lastId) : undefined;
    if (page.participants.length === 0) return null;
    return { participants: page.participants, work: (p) => work(p, page.inputs) };
  };
  return runPagesOnOnePool(
    ctx,
    pages,
    recorder,
    { job: "maintenance", concurrency: ctx.settings.concurrency, owner: options.owner, cycleEndsAt: options.cycleEndsAt, signal: options.signal, onProgress },
    onStatusChange,
  );
}
