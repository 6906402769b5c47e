import type { ApiBudgetUsage, QuotaUsage } from "../run/run-result.js";
import type { PowerTokenContext } from "../runtime/context.js";
import { QUOTA_FAMILIES, type QuotaFamily } from "./quota-settings.js";

/** Counts one run's share of the quota; `finish()` stops counting and returns the figures (the same ones on every later call). */
export interface QuotaUsageTracker {
  finish(): QuotaUsage | undefined;
}

/**
 * Start counting a run's budget use, after merging the pauses and postponements other processes
 * stored (a CLI run starts with an empty memory). Without a quota on the context, nothing is
 * counted and `finish()` returns undefined.
 */
export async function trackQuotaUsage(ctx: Pick<PowerTokenContext, "quota">): Promise<QuotaUsageTracker> {
  const quota = ctx.quota;
  if (!quota) return { finish: () => undefined };
  await quota.refresh();
  const empty = (f: QuotaFamily): ApiBudgetUsage => ({ requests: 0, budgetPerMinute: quota.settings.budgetPerMinute[f], peakPerMinute: 0, waitedMs: 0, waits: 0, pauses: 0, refused: 0, postponed: 0, pausedUntil: null });
  const usage: QuotaUsage = { weconnect: empty("weconnect"), tracker: empty("tracker"), oauth: empty("oauth") };
  const stop = quota.listen((event) => {
    const u = usage[event.family];
    switch (event.type) {
      case "start":
        u.requests += 1;
        u.peakPerMinute = Math.max(u.peakPerMinute, event.inWindow);
        if (event.waitedMs > 0) {
          u.waits += 1;
          u.waitedMs += event.waitedMs;
        }
        break;
      case "refused":
        u.refused += 1;
        break;
      case "pause":
        u.pauses += 1;
        break;
      case "postpone":
        u.postponed += 1;
        break;
    }
  });
  let finished = false;
  return {
    finish() {
      if (finished) return usage;
      finished = true;
      stop();
      for (const f of QUOTA_FAMILIES) usage[f].pausedUntil = quota.pausedUntil(f) ?? null;
      return usage;
    },
  };
}

/** True when a run's budget use is worth a line of its own: a budget is set, or something was paused, refused or postponed. */
export function quotaWorthReporting(usage: QuotaUsage | undefined): boolean {
  if (!usage) return false;
  return QUOTA_FAMILIES.some((f) => {
    const u = usage[f];
    return u.budgetPerMinute !== null || u.pauses > 0 || u.refused > 0 || u.postponed > 0 || u.pausedUntil !== null;
  });
}

/**
 * One line for a job summary, e.g.
 * `quota: weconnect 812 req, peak 600/600 per min, waited 41.2 s; tracker 300 req, peak 120/min, 1 pause until 2026-11-30T15:02:00.000Z, 4 postponed`.
 */
export function formatQuotaUsage(usage: QuotaUsage): string {
  const parts = QUOTA_FAMILIES.map((f) => {
    const u = usage[f];
    const bits = [`${u.requests} req`, `peak ${u.peakPerMinute}${u.budgetPerMinute === null ? "" : `/${u.budgetPerMinute}`} per min`];
    if (u.waits > 0) bits.push(`waited ${(u.waitedMs / 1000).toFixed(1)} s over ${u.waits} calls`);
    if (u.pauses > 0) bits.push(`${u.pauses} pause${u.pauses === 1 ? "" : "s"}`);
    if (u.pausedUntil) bits.push(`paused until ${u.pausedUntil.toISOString()}`);
    if (u.refused > 0) bits.push(`${u.refused} refused`);
    if (u.postponed > 0) bits.push(`${u.postponed} postponed`);
    return `${f} ${bits.join(", ")}`;
  });
  return `quota: ${parts.join("; ")}`;
}
