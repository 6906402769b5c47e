/** A clock the budget reads and waits on; tests pass a fake one, production the wall clock. */
export interface QuotaClock {
  now(): number;
  /** Resolve after `ms`; reject with the signal's reason once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `Date.now` and a `setTimeout` the signal can cut short. */
export const wallClock: QuotaClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** Options of {@link createSlidingWindow}. */
export interface SlidingWindowOptions {
  /** Starts allowed in any window; `null` counts without limiting. */
  limit: number | null;
  /** @default 60_000 */
  windowMs?: number;
  clock: QuotaClock;
}

/** What one {@link SlidingWindow.acquire} cost. */
export interface Acquired {
  /** Clock ms spent waiting for room in the window (0 when there was room). */
  waitedMs: number;
  /** Starts in the window ending now, this one included: the rate the API saw. */
  inWindow: number;
}

/** A request budget: at most `limit` starts in any `windowMs`, waiters served first come first served. */
export interface SlidingWindow {
  /** Record a start now if it fits, else wait (bounded by `signal`) until it does. @throws the signal's reason when a wait is cut short */
  acquire(signal?: AbortSignal): Promise<Acquired>;
  /** Starts recorded in the window ending now. */
  inWindow(): number;
}

/**
 * A sliding-window log rather than a token bucket: a bucket of N refilled at N per minute lets
 * nearly 2N through in one minute (a full bucket plus its refill), and the budget must hold in
 * *every* minute, as a per-minute quota is counted. The log keeps one timestamp per start in the
 * window, so at most `limit` numbers. Written here rather than taken from p-throttle or bottleneck
 * because each call must wait under its own run's AbortSignal, and the tests drive it with a fake
 * clock while the requests themselves go over real loopback HTTP.
 */
export function createSlidingWindow(options: SlidingWindowOptions): SlidingWindow {
  const { limit, clock } = options;
  const windowMs = options.windowMs ?? 60_000;
  const starts: number[] = [];
  let head = 0;
  const waiters: { resolve: (a: Acquired) => void; reject: (e: unknown) => void; since: number; signal?: AbortSignal; onAbort?: () => void }[] = [];
  let pumping = false;

  const prune = (now: number) => {
    while (head < starts.length && starts[head]! <= now - windowMs) head += 1;
    // Compact now and then so the array does not grow with every start ever made.
    if (head > 1024 && head * 2 > starts.length) {
      starts.splice(0, head);
      head = 0;
    }
  };
  const count = () => starts.length - head;
  const record = (now: number, since: number): Acquired => {
    starts.push(now);
    return { waitedMs: Math.max(0, now - since), inWindow: count() };
  };

  /** Serve waiters in order; sleep until the oldest start leaves the window when there is no room. */
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (waiters.length > 0) {
        const now = clock.now();
        prune(now);
        if (limit === null || count() < limit) {
          const waiter = waiters.shift()!;
          if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
          waiter.resolve(record(now, waiter.since));
          continue;
        }
        // Wait for room; cut short when every waiter has gone (their runs were aborted).
        const idle = new AbortController();
        const wake = () => {
          if (waiters.length === 0) idle.abort();
        };
        gone.add(wake);
        try {
          await clock.sleep(Math.max(1, starts[head]! + windowMs - now), idle.signal);
        } catch {
          // Nobody left to serve.
        } finally {
          gone.delete(wake);
        }
      }
    } finally {
      pumping = false;
    }
  }
  const gone = new Set<() => void>();

  return {
    acquire(signal) {
      const now = clock.now();
      prune(now);
      // The fast path: room now and nobody queued ahead. An aborted signal only ends waits: a
      // participant still in flight when its run is stopped finishes while there is budget.
      if (waiters.length === 0 && (limit === null || count() < limit)) return Promise.resolve(record(now, now));
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      return new Promise<Acquired>((resolve, reject) => {
        const waiter: (typeof waiters)[number] = { resolve, reject, since: now, signal };
        if (signal) {
          waiter.onAbort = () => {
            const at = waiters.indexOf(waiter);
            if (at >= 0) waiters.splice(at, 1);
            for (const wake of gone) wake();
            reject(signal.reason as Error);
          };
          signal.addEventListener("abort", waiter.onAbort, { once: true });
        }
        waiters.push(waiter);
        void pump();
      });
    },
    inWindow() {
      prune(clock.now());
      return count();
    },
  };
}
