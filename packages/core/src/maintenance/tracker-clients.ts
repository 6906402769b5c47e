import type { TrackerBackend } from "@powertoken/fitbit";
import type { PowerTokenContext } from "../runtime/context.js";
import { oauthClientNotConfigured } from "../runtime/oauth-provider-from-config.js";

/**
 * A tracker backend a maintenance run needed but could not use: its OAuth client id or secret is
 * not configured (typically a cron line run without the environment that held them). Nothing was
 * sent for it.
 */
export interface TrackerNotConfigured {
  backend: TrackerBackend;
  code: "NOT_CONFIGURED";
  /**
   * The config key to set, e.g. `googleHealth.clientId` (the message names its environment
   * variables too). Not called `key`: printers redact a field of that name as a secret.
   */
  setting: string;
  /** What is missing and how to set it; holds no secret. */
  message: string;
  /** Participants whose tracker token refresh (and legacy daily goal) was skipped; their WEconnect sync still ran. */
  participants: number;
  /** Confirmed days the drift check left unread (and unrecorded: they are read once the client is back). */
  driftDays: number;
  /** Flagged participants whose stored tracker token the restore pass could not try. */
  restoreChecks: number;
}

/**
 * Which tracker clients a maintenance run needed, and which of those were missing. Maintenance
 * asks before each tracker pass (refresh, goal, drift, restore) instead of letting the pass fail:
 * a missing client is a configuration problem of the whole run, not a failure of one participant,
 * and was recorded as INTERNAL when the drift check found it by throwing.
 */
export interface TrackerClientTally {
  /** True when the backend's tracker is configured; records the need either way. */
  configured(backend: TrackerBackend, pass: "participants" | "driftDays" | "restoreChecks"): boolean;
  /** The backends that were needed and missing, in first-needed order. */
  missing(): TrackerNotConfigured[];
  /**
   * True when tracker work was needed and none of it could be done: every backend needed lacks
   * its client. The same rule as the poll's NOT_CONFIGURED (a run that could attempt nothing
   * needing a setting is not a success); a study that needs no tracker (or only configured ones)
   * is never affected.
   */
  nothingAttemptable(): boolean;
}

/** A tally over the context's trackers (createRuntime builds one exactly for each backend with a client). */
export function createTrackerClientTally(ctx: Pick<PowerTokenContext, "trackers">): TrackerClientTally {
  const missing = new Map<TrackerBackend, TrackerNotConfigured>();
  let configuredNeeded = false;
  return {
    configured(backend, pass) {
      if (ctx.trackers[backend] !== undefined) {
        configuredNeeded = true;
        return true;
      }
      let entry = missing.get(backend);
      if (!entry) {
        const error = oauthClientNotConfigured(backend);
        entry = { backend, code: "NOT_CONFIGURED", setting: error.key ?? backend, message: error.message, participants: 0, driftDays: 0, restoreChecks: 0 };
        missing.set(backend, entry);
      }
      entry[pass] += 1;
      return false;
    },
    missing: () => [...missing.values()].map((entry) => ({ ...entry })),
    nothingAttemptable: () => missing.size > 0 && !configuredNeeded,
  };
}
