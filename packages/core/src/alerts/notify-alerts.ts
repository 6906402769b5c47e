import type { AlertRecord } from "@powertoken/db";
import { createTransport } from "nodemailer";
import type { PowerTokenConfig } from "../config/schema.js";
import type { Logger } from "../logger.js";

/** One alert change to tell people about. */
export interface AlertNotice {
  event: "opened" | "resolved";
  alert: AlertRecord;
}

/** Where notifications go; nothing is sent when neither is configured. */
export interface AlertChannels {
  config: Pick<PowerTokenConfig, "alerts">;
  log: Logger;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Label in the message, e.g. the study's name. */
  source?: string;
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/** The one-line text of a notice, as Slack shows it. */
export function alertText(notice: AlertNotice, source = "PowerToken"): string {
  return notice.event === "opened" ? `:warning: ${source} alert: ${notice.alert.message}` : `:white_check_mark: ${source} resolved: ${notice.alert.message}`;
}

/**
 * Sends each notice to the webhook (`alerts.webhookUrl`: a JSON POST with a Slack-compatible
 * `text` and the alert's fields) and by e-mail (`alerts.smtp.url`, `alerts.email.from`,
 * `alerts.email.to`). A failing channel is logged, without its URL (it may hold a token), and never
 * thrown: alerts must not fail the job that raised them. Returns how many deliveries failed.
 */
export async function notifyAlerts(channels: AlertChannels, notices: readonly AlertNotice[]): Promise<{ sent: number; failed: number }> {
  const { alerts } = channels.config;
  let sent = 0;
  let failed = 0;
  if (notices.length === 0) return { sent, failed };
  const doFetch = channels.fetch ?? globalThis.fetch;
  for (const notice of notices) {
    if (alerts.webhookUrl) {
      try {
        const response = await doFetch(alerts.webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: alertText(notice, channels.source), event: notice.event, alert: notice.alert }),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        sent += 1;
      } catch (error) {
        failed += 1;
        channels.log.warn("alert webhook failed", { key: notice.alert.key, event: notice.event, reason: describe(error) });
      }
    }
  }
  const email = alerts.email;
  if (alerts.smtp?.url && email?.from && email.to) {
    try {
      const transport = createTransport(alerts.smtp.url);
      try {
        for (const notice of notices) {
          const text = alertText(notice, channels.source);
          await transport.sendMail({ from: email.from, to: email.to, subject: text.replace(/^:[a-z_]+: /, ""), text: `${text}\n\nRule: ${notice.alert.rule}\nKey: ${notice.alert.key}\nOpened: ${notice.alert.openedAt.toISOString()}\n` });
          sent += 1;
        }
      } finally {
        transport.close();
      }
    } catch (error) {
      failed += 1;
      channels.log.warn("alert e-mail failed", { reason: describe(error) });
    }
  }
  return { sent, failed };
}

// The error's class and code only: a fetch or SMTP message may quote the URL and its credentials.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const code = (error as { code?: unknown }).code;
  if (/^HTTP \d{3}$/.test(error.message)) return error.message;
  return typeof code === "string" ? `${error.name} ${code}` : error.name;
}
