import { listOpenAlertRecords, syncAlerts, type AlertRecord } from "@powertoken/db";
import type { JobRuntime } from "../jobs/job-health.js";
import { ALERT_RULES, collectAlertConditions } from "./alert-rules.js";
import { notifyAlerts, type AlertNotice } from "./notify-alerts.js";

/** What {@link evaluateAlerts} changed. */
export interface EvaluateAlertsResult {
  opened: AlertRecord[];
  resolved: AlertRecord[];
  /** Every alert open after the evaluation. */
  open: AlertRecord[];
  notifications: { sent: number; failed: number };
}

/** Options of {@link evaluateAlerts}. */
export interface EvaluateAlertsOptions {
  /** @default runtime.ctx.now() */
  now?: Date;
  /** Transport for the webhook (tests). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/**
 * Evaluates every alert rule, opens an alert for each new condition and resolves those that
 * stopped holding (state in the database, one open alert per condition across replicas), then
 * sends one message per opened and one per resolved alert to the configured webhook and e-mail.
 * Delivery failures are logged and counted, never thrown.
 * @example await evaluateAlerts(runtime) // after each job run; runRecordedJob does it
 */
export async function evaluateAlerts(runtime: JobRuntime, options: EvaluateAlertsOptions = {}): Promise<EvaluateAlertsResult> {
  const now = options.now ?? runtime.ctx.now();
  const holding = await collectAlertConditions(runtime, now);
  const { opened, resolved } = await syncAlerts(runtime.db.db, { rules: ALERT_RULES, holding, now });
  const notices: AlertNotice[] = [...opened.map((alert) => ({ event: "opened" as const, alert })), ...resolved.map((alert) => ({ event: "resolved" as const, alert }))];
  const notifications = await notifyAlerts(
    { config: runtime.config, log: runtime.ctx.log, ...(options.fetch ? { fetch: options.fetch } : {}), ...(runtime.config.web.studyName ? { source: runtime.config.web.studyName } : {}) },
    notices,
  );
  return { opened, resolved, open: await listOpenAlertRecords(runtime.db.db), notifications };
}

/** The alerts open now, oldest first (the overview's list). */
export async function listOpenAlerts(runtime: Pick<JobRuntime, "db">): Promise<AlertRecord[]> {
  return listOpenAlertRecords(runtime.db.db);
}
