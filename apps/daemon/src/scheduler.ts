import { systemClock, type Clock } from "./clock.js";
import type { Schedule } from "./schedule.js";

/** The cycle a run belongs to: its tick and the job's next one. */
export interface RunCycle {
  /** Epoch ms of the tick that started this run (now, for a manual trigger). */
  tickAt: number;
  /** Epoch ms of the job's next tick after this one, or null when the pattern never fires again. */
  nextTickAt: number | null;
  /** Epoch ms the run started (the `startedAt` of its `run-started` event): ties its log lines together. */
  startedAt: number;
}

/** One scheduled job: when it fires and what it runs. */
export interface JobSpec {
  schedule: Schedule;
  /** The work; `signal` aborts at shutdown (core then starts no new participant). */
  run: (signal: AbortSignal, cycle: RunCycle) => Promise<unknown>;
}

/** What the scheduler reports; the daemon turns these into logs, metrics and readiness. */
export type SchedulerEvent<J extends string = string> =
  | { type: "run-started"; job: J; startedAt: number }
  | { type: "run-finished"; job: J; startedAt: number; durationMs: number; result: unknown }
  | { type: "run-failed"; job: J; startedAt: number; durationMs: number; error: unknown }
  /** A tick came while the previous run was still going: it is dropped, never queued. `overrun` is true for the first such tick of a run. */
  | { type: "tick-skipped"; job: J; at: number; runningForMs: number; overrun: boolean };

/** Options of {@link createScheduler}. */
export interface SchedulerOptions<J extends string> {
  jobs: Record<J, JobSpec>;
  /** @default systemClock */
  clock?: Clock;
  /** Called synchronously for each event; an exception here is swallowed so timing never breaks. */
  onEvent?: (event: SchedulerEvent<J>) => void;
}

/** How {@link Scheduler.stop} ended. */
export interface StopResult<J extends string = string> {
  /** True when the deadline passed with runs still going. */
  forced: boolean;
  /** Jobs still running when stop returned. */
  unfinished: J[];
}

/** Fires jobs on their schedules, one run per job at a time, and drains them at shutdown. */
export interface Scheduler<J extends string = string> {
  start(): void;
  /** Epoch ms of the next tick of `job`, or null (stopped, or the pattern never fires again). */
  nextTickAt(job: J): number | null;
  /** Jobs with a run in flight. */
  running(): J[];
  /** Start `job` now unless it is already running; returns false when it was. */
  trigger(job: J): boolean;
  /** Stop ticking, abort the signal, wait up to `deadlineMs` for runs in flight. Idempotent. */
  stop(options: { deadlineMs: number }): Promise<StopResult<J>>;
}

// setTimeout overflows past 2^31-1 ms (~24.8 days): long waits are re-armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface JobState {
  spec: JobSpec;
  target: number | null;
  timer: unknown;
  inFlight: { promise: Promise<void>; startedAt: number; overran: boolean } | undefined;
}

/**
 * Create a scheduler. Each job runs on its cron schedule; a tick that arrives while the same job
 * is still running is skipped and reported (`tick-skipped`), so runs never overlap or pile up.
 * A late timer (suspended machine) gives one run and the next tick is computed from now: no catch-up.
 * @example createScheduler({ jobs: { poll: { schedule, run: (signal) => runPoll(ctx, { signal }) } } }).start()
 */
export function createScheduler<J extends string>(options: SchedulerOptions<J>): Scheduler<J> {
  const clock = options.clock ?? systemClock;
  const controller = new AbortController();
  const states = new Map<J, JobState>();
  for (const job of Object.keys(options.jobs) as J[]) {
    states.set(job, { spec: options.jobs[job], target: null, timer: undefined, inFlight: undefined });
  }
  let started = false;
  let stopping: Promise<StopResult<J>> | undefined;

  const emit = (event: SchedulerEvent<J>): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A faulty listener must not stop the schedule.
    }
  };

  const arm = (job: J, state: JobState): void => {
    if (state.target === null) return;
    const delay = Math.min(Math.max(0, state.target - clock.now()), MAX_TIMER_MS);
    state.timer = clock.setTimeout(() => onTimer(job, state), delay);
  };

  const scheduleNext = (job: J, state: JobState, after: number): void => {
    state.target = state.spec.schedule.next(after);
    arm(job, state);
  };

  const launch = (job: J, state: JobState, tickAt: number): void => {
    const startedAt = clock.now();
    const cycle: RunCycle = { tickAt, nextTickAt: state.spec.schedule.next(Math.max(startedAt, tickAt)), startedAt };
    emit({ type: "run-started", job, startedAt });
    const promise = Promise.resolve()
      .then(() => state.spec.run(controller.signal, cycle))
      .then(
        (result) => emit({ type: "run-finished", job, startedAt, durationMs: clock.now() - startedAt, result }),
        (error: unknown) => emit({ type: "run-failed", job, startedAt, durationMs: clock.now() - startedAt, error }),
      )
      .finally(() => {
        state.inFlight = undefined;
      });
    state.inFlight = { promise, startedAt, overran: false };
  };

  const onTimer = (job: J, state: JobState): void => {
    state.timer = undefined;
    if (stopping !== undefined || state.target === null) return;
    const target = state.target;
    const now = clock.now();
    if (now < target) return arm(job, state); // a capped wait, not yet due
    if (state.inFlight === undefined) {
      launch(job, state, target);
    } else {
      const overrun = !state.inFlight.overran;
      state.inFlight.overran = true;
      emit({ type: "tick-skipped", job, at: now, runningForMs: now - state.inFlight.startedAt, overrun });
    }
    // From the later of the tick and now: an early timer cannot fire the same tick twice.
    scheduleNext(job, state, Math.max(now, target));
  };

  return {
    start() {
      if (started || stopping !== undefined) return;
      started = true;
      const now = clock.now();
      for (const [job, state] of states) scheduleNext(job, state, now);
    },
    nextTickAt: (job) => (stopping === undefined ? (states.get(job)?.target ?? null) : null),
    running: () => [...states].filter(([, s]) => s.inFlight !== undefined).map(([job]) => job),
    trigger(job) {
      const state = states.get(job);
      if (state === undefined || state.inFlight !== undefined || stopping !== undefined) return false;
      launch(job, state, clock.now());
      return true;
    },
    stop({ deadlineMs }) {
      stopping ??= drain(deadlineMs);
      return stopping;
    },
  };

  async function drain(deadlineMs: number): Promise<StopResult<J>> {
    for (const state of states.values()) {
      if (state.timer !== undefined) clock.clearTimeout(state.timer);
      state.timer = undefined;
      state.target = null;
    }
    controller.abort(new Error("The daemon is shutting down."));
    const pending = [...states.values()].flatMap((s) => (s.inFlight === undefined ? [] : [s.inFlight.promise]));
    if (pending.length > 0) {
      let deadline: unknown;
      const timedOut = new Promise<void>((resolve) => {
        deadline = clock.setTimeout(resolve, deadlineMs);
      });
      await Promise.race([Promise.all(pending), timedOut]);
      clock.clearTimeout(deadline);
    }
    const unfinished = [...states].filter(([, s]) => s.inFlight !== undefined).map(([job]) => job);
    return { forced: unfinished.length > 0, unfinished };
  }
}
