import type { OutcomeKind, RunProgress } from "@powertoken/core";
import type { Output } from "./_output.js";

/** What the progress line shows at one moment. */
export interface ProgressState {
  job: "poll" | "maintenance";
  done: number;
  /** Unknown until the first participant finishes. */
  total?: number;
  counts: Partial<Record<OutcomeKind, number>>;
  elapsedMs: number;
}

const ORDER: readonly OutcomeKind[] = ["written", "unchanged", "updated", "removed", "skipped", "failed"];
const ALWAYS: Record<ProgressState["job"], readonly OutcomeKind[]> = { poll: ["written", "unchanged", "failed"], maintenance: ["updated", "failed"] };

/**
 * The one-line progress of a run, e.g. `poll  37/120 participants  (written 5, unchanged 30, failed 2)  12.4 s`.
 * The job's usual outcomes are always listed; others (skipped, removed) once they occur.
 */
export function formatProgress(state: ProgressState): string {
  const elapsed = formatElapsed(state.elapsedMs);
  if (state.total === undefined) return `${state.job}  starting…  ${elapsed}`;
  const counts = ORDER.filter((kind) => ALWAYS[state.job].includes(kind) || (state.counts[kind] ?? 0) > 0).map((kind) => `${kind} ${state.counts[kind] ?? 0}`);
  return `${state.job}  ${state.done}/${state.total} participants  (${counts.join(", ")})  ${elapsed}`;
}

/** `12.4 s` under a minute, `3 min 07 s` after. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** A run's live progress line (see {@link startProgressDisplay}). */
export interface ProgressDisplay {
  /** Core's `onProgress`: count the outcome and redraw (throttled). */
  update(progress: RunProgress): void;
  /** Erase the line now (before a log line); it is drawn again shortly. */
  clear(): void;
  /** Stop redrawing and erase the line, before the summary prints. */
  stop(): void;
}

/**
 * On a TTY (and not under `--json`), one line on stderr updated at most every `intervalMs` and
 * once a second for the clock. Elsewhere every method does nothing, so cron logs stay clean.
 */
export function startProgressDisplay(out: Output, job: ProgressState["job"], options: { intervalMs?: number; now?: () => number } = {}): ProgressDisplay {
  if (!out.interactive) return { update() {}, clear() {}, stop() {} };
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 100;
  const started = now();
  const state: ProgressState = { job, done: 0, counts: {}, elapsedMs: 0 };
  let lastDraw = -Infinity;
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const draw = () => {
    pending = undefined;
    if (stopped) return;
    lastDraw = now();
    out.statusLine(formatProgress({ ...state, elapsedMs: lastDraw - started }));
  };
  const schedule = () => {
    if (stopped || pending !== undefined) return;
    const wait = lastDraw + intervalMs - now();
    if (wait <= 0) draw();
    else pending = setTimeout(draw, wait).unref();
  };
  const clock = setInterval(draw, 1_000).unref();
  draw();
  return {
    update(progress) {
      state.done = progress.done;
      state.total = progress.total;
      state.counts[progress.outcome.outcome] = (state.counts[progress.outcome.outcome] ?? 0) + 1;
      schedule();
    },
    clear() {
      out.statusLine();
      schedule();
    },
    stop() {
      stopped = true;
      clearInterval(clock);
      if (pending !== undefined) clearTimeout(pending);
      out.statusLine();
    },
  };
}
