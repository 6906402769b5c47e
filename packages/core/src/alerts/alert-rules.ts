import { lastFinishedJobRun, listAccountProblems, listNotPolledSince, listWithoutCheckInSince, type AlertCondition, type JobName } from "@powertoken/db";
import { getJobHealth, type JobRuntime } from "../jobs/job-health.js";

/** Every rule {@link collectAlertConditions} evaluates; an alert's `rule` is one of these. */
export const ALERT_RULES = ["weconnect-token-dead", "tracker-token-dead", "not-polled", "no-check-in", "job-stale", "failure-share", "rate-limited"] as const;

/** The name of an alert rule. */
export type AlertRule = (typeof ALERT_RULES)[number];

const DAY_MS = 86_400_000;
const JOBS: JobName[] = ["poll", "maintenance"];

/**
 * Every alert condition that holds now, one per key: a participant's dead WEconnect or tracker
 * token, an active participant not polled for `alerts.notPolledHours`, no check-in for
 * `alerts.noCheckInDays`, a job not run for two intervals, a job's last run with a failure share
 * over `alerts.failureShare`, and a job's last run that met rate limiting (HTTP 429).
 */
export async function collectAlertConditions(runtime: JobRuntime, now: Date): Promise<AlertCondition[]> {
  const db = runtime.db.db;
  const settings = runtime.config.alerts;
  const conditions: AlertCondition[] = [];

  for (const problem of await listAccountProblems(db)) {
    if (problem.account === "weconnect") {
      conditions.push({ key: `weconnect-token:${problem.participantId}`, rule: "weconnect-token-dead", participantId: problem.participantId, message: `Participant ${problem.participantId}: WEconnect token ${problem.status}; send a reconnect link.` });
    } else {
      conditions.push({
        key: `tracker-token:${problem.participantId}:${problem.backend ?? "tracker"}`,
        rule: "tracker-token-dead",
        participantId: problem.participantId,
        message: `Participant ${problem.participantId}: ${problem.backend ?? "tracker"} token ${problem.status}; send a reconnect link.`,
      });
    }
  }
  for (const id of await listNotPolledSince(db, new Date(now.getTime() - settings.notPolledHours * 3_600_000))) {
    conditions.push({ key: `not-polled:${id}`, rule: "not-polled", participantId: id, message: `Participant ${id}: not polled successfully for ${settings.notPolledHours} h.` });
  }
  // A UTC calendar date is close enough for a threshold counted in whole days.
  const since = new Date(now.getTime() - settings.noCheckInDays * DAY_MS).toISOString().slice(0, 10);
  for (const id of await listWithoutCheckInSince(db, since)) {
    conditions.push({ key: `no-check-in:${id}`, rule: "no-check-in", participantId: id, message: `Participant ${id}: no check-in for ${settings.noCheckInDays} days.` });
  }
  for (const health of await getJobHealth(runtime, { now })) {
    if (health.stale) {
      const last = health.lastRun ? `last ran ${health.lastRun.startedAt.toISOString()}` : "never ran";
      conditions.push({ key: `job-stale:${health.job}`, rule: "job-stale", participantId: null, message: `The ${health.job} job has not run for two intervals (${2 * health.intervalMinutes} min); it ${last}.` });
    }
  }
  for (const job of JOBS) {
    const run = await lastFinishedJobRun(db, job);
    if (!run) continue;
    if (run.processed > 0 && run.failed / run.processed > settings.failureShare) {
      const share = Math.round((100 * run.failed) / run.processed);
      conditions.push({ key: `failure-share:${job}`, rule: "failure-share", participantId: null, message: `The last ${job} run failed for ${run.failed} of ${run.processed} participants (${share} %).` });
    }
    if (run.rateLimited > 0) {
      conditions.push({ key: `rate-limited:${job}`, rule: "rate-limited", participantId: null, message: `The last ${job} run was rate-limited ${run.rateLimited} time(s) (HTTP 429).` });
    }
  }
  return conditions;
}
