/** How an environment variable overrides one config key; the README's table is generated from this list. */
export interface EnvOverride {
  env: string;
  key: string;
  type: "string" | "integer" | "boolean";
  secret?: boolean;
}

const tracker = (prefix: string, section: string): EnvOverride[] => [
  { env: `${prefix}_API_URL`, key: `${section}.apiUrl`, type: "string" },
  { env: `${prefix}_AUTH_URL`, key: `${section}.authorizationUrl`, type: "string" },
  { env: `${prefix}_TOKEN_URL`, key: `${section}.tokenUrl`, type: "string" },
  { env: `${prefix}_REVOKE_URL`, key: `${section}.revocationUrl`, type: "string" },
  { env: `${prefix}_CLIENT_ID`, key: `${section}.clientId`, type: "string" },
  { env: `${prefix}_CLIENT_SECRET`, key: `${section}.clientSecret`, type: "string", secret: true },
  { env: `${prefix}_CLIENT_SECRET_FILE`, key: `${section}.clientSecretFile`, type: "string" },
  { env: `${prefix}_REDIRECT_URI`, key: `${section}.redirectUri`, type: "string" },
];

/** Every environment variable PowerToken reads, and the config key it overrides. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: "POWERTOKEN_DATABASE_URL", key: "database.url", type: "string", secret: true },
  { env: "POWERTOKEN_DATABASE_SCHEMA", key: "database.schema", type: "string" },
  { env: "POWERTOKEN_DATABASE_POOL_SIZE", key: "database.poolSize", type: "integer" },
  { env: "POWERTOKEN_ENCRYPTION_KEY", key: "encryption.key", type: "string", secret: true },
  { env: "POWERTOKEN_ENCRYPTION_KEY_FILE", key: "encryption.keyFile", type: "string" },
  { env: "POWERTOKEN_ENCRYPTION_KEY_ID", key: "encryption.keyId", type: "string" },
  { env: "POWERTOKEN_WECONNECT_URL", key: "weconnect.baseUrl", type: "string" },
  { env: "POWERTOKEN_WECONNECT_TIMEOUT_MS", key: "weconnect.timeoutMs", type: "integer" },
  ...tracker("POWERTOKEN_GOOGLE", "googleHealth"),
  ...tracker("POWERTOKEN_FITBIT", "fitbitLegacy"),
  { env: "POWERTOKEN_DEFAULT_BACKEND", key: "defaults.backend", type: "string" },
  { env: "POWERTOKEN_DEFAULT_MAPPING", key: "defaults.mapping", type: "string" },
  { env: "POWERTOKEN_DEFAULT_TIME_ZONE", key: "defaults.timeZone", type: "string" },
  { env: "POWERTOKEN_POLL_CONCURRENCY", key: "poll.concurrency", type: "integer" },
  { env: "POWERTOKEN_POLL_WINDOW_MINUTES", key: "poll.windowMinutes", type: "integer" },
  { env: "POWERTOKEN_POLL_CATCH_UP_MINUTES", key: "poll.catchUpMinutes", type: "integer" },
  { env: "POWERTOKEN_POLL_ALL", key: "poll.all", type: "boolean" },
  { env: "POWERTOKEN_INCOMPLETE_GRACE_HOURS", key: "maintenance.incompleteGraceHours", type: "integer" },
  { env: "POWERTOKEN_DRIFT_CHECK_HOURS", key: "maintenance.driftCheckHours", type: "integer" },
  { env: "POWERTOKEN_DRIFT_BUDGET", key: "maintenance.driftBudget", type: "integer" },
  { env: "POWERTOKEN_POLL_SCHEDULE", key: "daemon.pollSchedule", type: "string" },
  { env: "POWERTOKEN_MAINTENANCE_SCHEDULE", key: "daemon.maintenanceSchedule", type: "string" },
  { env: "POWERTOKEN_HTTP_HOST", key: "daemon.httpHost", type: "string" },
  { env: "POWERTOKEN_HTTP_PORT", key: "daemon.httpPort", type: "integer" },
  { env: "POWERTOKEN_SHUTDOWN_DEADLINE_MS", key: "daemon.shutdownDeadlineMs", type: "integer" },
  { env: "POWERTOKEN_LEASE_MS", key: "daemon.leaseMs", type: "integer" },
  { env: "POWERTOKEN_LOG_LEVEL", key: "daemon.logLevel", type: "string" },
  { env: "POWERTOKEN_SCHEDULE_TIME_ZONE", key: "daemon.scheduleTimeZone", type: "string" },
  { env: "POWERTOKEN_WEB_PUBLIC_URL", key: "web.publicUrl", type: "string" },
  { env: "POWERTOKEN_WEB_STUDY_NAME", key: "web.studyName", type: "string" },
  { env: "POWERTOKEN_WEB_CONTACT", key: "web.contact", type: "string" },
  { env: "POWERTOKEN_WEB_TRUST_PROXY", key: "web.trustProxy", type: "boolean" },
  { env: "POWERTOKEN_WEB_SESSION_IDLE_MINUTES", key: "web.sessionIdleMinutes", type: "integer" },
  { env: "POWERTOKEN_WEB_SESSION_MAX_HOURS", key: "web.sessionMaxHours", type: "integer" },
  { env: "POWERTOKEN_QUOTA_WECONNECT_PER_MINUTE", key: "quota.weconnectPerMinute", type: "integer" },
  { env: "POWERTOKEN_QUOTA_TRACKER_PER_MINUTE", key: "quota.trackerPerMinute", type: "integer" },
  { env: "POWERTOKEN_QUOTA_OAUTH_PER_MINUTE", key: "quota.oauthPerMinute", type: "integer" },
  { env: "POWERTOKEN_QUOTA_BURST_PARTICIPANTS", key: "quota.burstParticipants", type: "integer" },
  { env: "POWERTOKEN_ALERTS_NO_CHECK_IN_DAYS", key: "alerts.noCheckInDays", type: "integer" },
  { env: "POWERTOKEN_ALERTS_WEBHOOK_URL", key: "alerts.webhookUrl", type: "string", secret: true },
  { env: "POWERTOKEN_ALERTS_SMTP_URL", key: "alerts.smtp.url", type: "string", secret: true },
  { env: "POWERTOKEN_ALERTS_EMAIL_FROM", key: "alerts.email.from", type: "string" },
  { env: "POWERTOKEN_ALERTS_EMAIL_TO", key: "alerts.email.to", type: "string" },
];

/** Config keys whose values are secrets: never printed, not even in `--json`. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  "encryption.key",
  "googleHealth.clientSecret",
  "fitbitLegacy.clientSecret",
  // The webhook URL may carry its token in the path; the SMTP URL (redacted as a whole) a password.
  "alerts.webhookUrl",
  "alerts.smtp",
]);
