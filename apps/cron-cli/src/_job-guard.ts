import { isBackendConfigured, type PowerTokenConfig } from "@powertoken/core";
import { CliError } from "./_errors.js";

/**
 * Refuses to start a job that could attempt no participant because a setting is missing, so a
 * cron run under an environment without the secrets fails loudly instead of skipping everyone
 * with exit 0. Poll needs the token key and at least one tracker's OAuth client; maintenance
 * needs the key (it reads WEconnect and refreshes tokens).
 * @throws CliError NOT_CONFIGURED naming the settings and their environment variables
 */
export function checkJobConfiguration(job: "poll" | "maintenance", config: PowerTokenConfig): void {
  const missing: string[] = [];
  if (config.encryption.key === undefined) {
    missing.push("encryption.key (POWERTOKEN_ENCRYPTION_KEY, or encryption.keyFile / POWERTOKEN_ENCRYPTION_KEY_FILE): no stored token can be read without it");
  }
  if (job === "poll" && !isBackendConfigured(config, "google-health") && !isBackendConfigured(config, "fitbit-legacy")) {
    missing.push(
      "a tracker OAuth client: googleHealth.clientId + googleHealth.clientSecret (POWERTOKEN_GOOGLE_CLIENT_ID, POWERTOKEN_GOOGLE_CLIENT_SECRET or a mode-0600 file named by POWERTOKEN_GOOGLE_CLIENT_SECRET_FILE) or fitbitLegacy.clientId + fitbitLegacy.clientSecret (POWERTOKEN_FITBIT_CLIENT_ID, POWERTOKEN_FITBIT_CLIENT_SECRET[_FILE])",
    );
  }
  if (missing.length === 0) return;
  throw new CliError(
    "NOT_CONFIGURED",
    `${job} cannot attempt any participant: ${missing.length === 1 ? "a setting is" : "settings are"} missing. Under cron, pass the secrets with --env-file (see \`powertoken crontab --env-file\`).`,
    missing.map((m) => `missing ${m}`),
  );
}
