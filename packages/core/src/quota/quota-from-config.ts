import type { PowerTokenConfig } from "../config/schema.js";
import type { QuotaSettings } from "./quota-settings.js";

/** The quota settings of a loaded configuration (seconds in the file, ms inside). */
export function quotaSettingsFromConfig(config: Pick<PowerTokenConfig, "quota">): QuotaSettings {
  const q = config.quota;
  return {
    budgetPerMinute: { weconnect: q.weconnectPerMinute ?? null, tracker: q.trackerPerMinute ?? null, oauth: q.oauthPerMinute ?? null },
    burstParticipants: q.burstParticipants,
    burstWindowMs: q.burstWindowSeconds * 1000,
    defaultRetryAfterMs: q.defaultRetryAfterSeconds * 1000,
    maxRetryAfterMs: q.maxRetryAfterSeconds * 1000,
  };
}
