import { wallClock, type QuotaClock } from "./sliding-window.js";

/** Options of {@link quotaClockFromNow}. */
export interface QuotaClockFromNowOptions {
  /** The longest real-time sleep before the budget reads the clock again. @default 1_000 */
  maxSleepMs?: number;
}

/**
 * The quota clock of a runtime given a `now` but no `quotaClock` (tests, simulations, a soak's
 * fake day): 429 postponements, API pauses and budget windows then run on the same clock as
 * everything else. On the wall clock, one 60 s pause outlasted every 15-minute step of a fake
 * day and nothing was written all day (the soak, packages/core/soak; issue 15).
 *
 * Waiting still needs real timers, and a fake clock usually stands still between the steps its
 * owner takes. So the clock reads the fake instant plus the real time passed since that instant
 * last changed: on a frozen fake clock a wait for budget ends after as much real time as it would
 * in production, and a fake clock moved forward ends it as soon as the budget looks again. Each
 * sleep lasts at most `maxSleepMs` of real time and the budget re-reads the clock after it, so a
 * fake clock moved during a wait is noticed within that bound. A `now` that follows the wall
 * clock (it changes on every read) gives the wall clock back. A fake clock set backwards takes
 * this clock back too: budget windows then hold their starts longer, never shorter.
 * @example const runtime = await createRuntime(config, { now: () => fake.now }); // quota follows `fake`
 */
export function quotaClockFromNow(now: () => Date, options: QuotaClockFromNowOptions = {}): QuotaClock {
  const maxSleepMs = Math.max(1, options.maxSleepMs ?? 1_000);
  let seen = Number.NaN;
  let seenAt = 0;
  return {
    now() {
      const fake = now().getTime();
      const real = performance.now();
      if (fake !== seen) {
        seen = fake;
        seenAt = real;
      }
      return fake + Math.floor(real - seenAt);
    },
    sleep: (ms, signal) => wallClock.sleep(Math.min(ms, maxSleepMs), signal),
  };
}
