/** How one participant's part of a run ended. */
export type OutcomeKind =
  | "written" // the tracker now shows a new value
  | "unchanged" // the tracker already showed this value
  | "skipped" // not processed: dry run, leased by another replica, already running, aborted
  | "failed" // an error; `code` says which
  | "updated" // maintenance: the participant's rows were brought up to date
  | "removed"; // maintenance: an incomplete profile was deleted

/** One participant in a run's result. Never holds a token. */
export interface ParticipantOutcome {
  participantId: number;
  name: string;
  outcome: OutcomeKind;
  /** The error code (`UNAUTHORIZED`, `REAUTH_REQUIRED`, `API_GONE`, …) when failed or skipped. */
  code?: string;
  /** A short, secret-free sentence. */
  message?: string;
  /** Poll: the steps computed for the participant's local day. */
  steps?: number;
}

/** Requests (or 429 answers) per API during one run. */
export interface ApiCounts {
  weconnect: number;
  tracker: number;
}

/** One API family's budget use during one run (issue 15 item 5). */
export interface ApiBudgetUsage {
  /** Request attempts this run started through the quota's gate (the clients' retries included). */
  requests: number;
  /** The configured budget; null when unlimited. */
  budgetPerMinute: number | null;
  /** The most starts in any 60 s seen at a start during this run (this process's, other runs' included). */
  peakPerMinute: number;
  /** Total ms this run's calls waited for budget, and how many calls waited. */
  waitedMs: number;
  waits: number;
  /** API pauses that began during this run, and the calls refused because of one. */
  pauses: number;
  refused: number;
  /** Participants postponed by their own 429. */
  postponed: number;
  /** When the family's pause ends, if it is still paused as the run finishes. */
  pausedUntil: Date | null;
}

/** Budget use per API family: WEconnect, the tracker's data API, its OAuth token endpoint. */
export interface QuotaUsage {
  weconnect: ApiBudgetUsage;
  tracker: ApiBudgetUsage;
  oauth: ApiBudgetUsage;
}

/** Start, end and length of a run. */
export interface RunTiming {
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  /** True when the caller's signal stopped the run before every participant started. */
  aborted: boolean;
}

/** Tallies of participant outcomes, shared by poll and maintenance results. */
export interface OutcomeTally {
  failed: number;
  failuresByCode: Record<string, number>;
  participants: ParticipantOutcome[];
}

/** A mutable accumulator for one run's outcomes and request counts (one per run, never shared). */
export interface RunRecorder {
  add(outcome: ParticipantOutcome): void;
  /** Count one HTTP attempt; `status` 429 also counts as rate limited. */
  countRequest(api: keyof ApiCounts, status: number): void;
  count(kind: OutcomeKind): number;
  tally(): OutcomeTally;
  requests(): ApiCounts;
  rateLimited(): ApiCounts;
}

/**
 * Which participants' outcomes a run's result lists: `all` (the default), or `exceptions`, only
 * the failed and skipped ones. The counts are whole either way. A run's outcomes are the one
 * thing it holds for every participant (about 0.5 KB each: 50 MB at 100,000), so a long-running
 * process that streams them through `onProgress` keeps its memory flat with `exceptions`.
 */
export type OutcomeListing = "all" | "exceptions";

/** Create an empty {@link RunRecorder}; `listing` says which outcomes it keeps (see {@link OutcomeListing}). */
export function createRunRecorder(listing: OutcomeListing = "all"): RunRecorder {
  const participants: ParticipantOutcome[] = [];
  const counts = new Map<OutcomeKind, number>();
  const failuresByCode: Record<string, number> = {};
  const requests: ApiCounts = { weconnect: 0, tracker: 0 };
  const rateLimited: ApiCounts = { weconnect: 0, tracker: 0 };
  return {
    add(outcome) {
      counts.set(outcome.outcome, (counts.get(outcome.outcome) ?? 0) + 1);
      if (outcome.outcome === "failed") {
        const code = outcome.code ?? "UNKNOWN";
        failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
      }
      if (listing === "all" || outcome.outcome === "failed" || outcome.outcome === "skipped") participants.push(outcome);
    },
    countRequest(api, status) {
      requests[api] += 1;
      if (status === 429) rateLimited[api] += 1;
    },
    count(kind) {
      return counts.get(kind) ?? 0;
    },
    tally() {
      const sorted = [...participants].sort((a, b) => a.participantId - b.participantId);
      return { failed: counts.get("failed") ?? 0, failuresByCode: { ...failuresByCode }, participants: sorted };
    },
    requests: () => ({ ...requests }),
    rateLimited: () => ({ ...rateLimited }),
  };
}

/** Timing fields for a run that started at `startedAt` and ends at `now`. */
export function finishTiming(startedAt: Date, now: Date, aborted: boolean): RunTiming {
  return { startedAt, finishedAt: now, durationMs: Math.max(0, now.getTime() - startedAt.getTime()), aborted };
}
