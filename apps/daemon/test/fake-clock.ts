import type { Clock } from "../src/clock.js";

/** A clock whose time moves only when a test says so; timers fire in order as it advances. */
export interface FakeClock extends Clock {
  /** Move time forward, firing due timers one by one and letting promises settle after each. */
  advance(ms: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
}

/** Let every queued promise continuation run (a real macrotask turn). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Create a fake clock starting at `startMs`. */
export function createFakeClock(startMs: number): FakeClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, delayMs) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, delayMs), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      const end = now + ms;
      await settle();
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (due === undefined) break;
        const [id, timer] = due;
        timers.delete(id);
        now = Math.max(now, timer.at);
        timer.callback();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

/** A job whose runs the test finishes by hand. */
export function createControlledJob<T>() {
  const runs: { signal: AbortSignal; resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  return {
    runs,
    run(signal: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => runs.push({ signal, resolve, reject }));
    },
  };
}
