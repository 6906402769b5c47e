/**
 * The API families a budget and a pause apply to: WEconnect, the tracker's data API (Google
 * Health or legacy Fitbit), and the tracker's OAuth token endpoint.
 */
export type QuotaFamily = "weconnect" | "tracker" | "oauth";

/** Every family, in the order results and metrics list them. */
export const QUOTA_FAMILIES: readonly QuotaFamily[] = ["weconnect", "tracker", "oauth"];

/** How requests are budgeted and 429s honoured; `createRuntime` fills it from the config's `quota` section. */
export interface QuotaSettings {
  /**
   * Request starts allowed per API family in any 60 s; null is unlimited (the default: the
   * project-wide quota is the operator's, docs/google-health-api.md#rate-limits). A call waits
   * for room rather than failing. The budget is per process: with several daemon replicas,
   * give each its share.
   */
  budgetPerMinute: Record<QuotaFamily, number | null>;
  /** 429s from this many different participants within `burstWindowMs` pause the whole API family. @default 3 */
  burstParticipants: number;
  /** @default 60_000 */
  burstWindowMs: number;
  /** How long a 429 without `Retry-After` postpones a participant. @default 60_000 */
  defaultRetryAfterMs: number;
  /** The longest wait honoured from one `Retry-After`, so a wrong header cannot stop a study for days. @default 3_600_000 */
  maxRetryAfterMs: number;
}

/** The defaults of {@link QuotaSettings}: no budget, pause after 3 participants' 429s within a minute. */
export const DEFAULT_QUOTA_SETTINGS: Readonly<QuotaSettings> = Object.freeze({
  budgetPerMinute: Object.freeze({ weconnect: null, tracker: null, oauth: null }),
  burstParticipants: 3,
  burstWindowMs: 60_000,
  defaultRetryAfterMs: 60_000,
  maxRetryAfterMs: 3_600_000,
});
