import type { RequestInfo, TokenManager, Tracker, TrackerBackend } from "@powertoken/fitbit";
import type { WeconnectClient } from "@powertoken/weconnect";
import type { CoreData } from "../data/core-data.js";
import type { Logger } from "../logger.js";
import type { Quota } from "../quota/quota.js";

/** The numbers a run uses; `createRuntime` fills them from the config. */
export interface CoreSettings {
  /** Poll participants with an occurrence starting or ending this soon. @default 15 */
  windowMinutes: number;
  /** Participants processed at once. @default 8 */
  concurrency: number;
  /**
   * Also poll a participant whose today still has open items and was last polled at least this
   * long ago, so a late check-in is shown within about this lag; 0 turns the rule off. @default 60
   */
  catchUpMinutes: number;
  /** Poll every active participant, not only those due. @default false */
  pollAll: boolean;
  /** Incomplete profiles older than this are removed by maintenance. @default 24 */
  incompleteGraceHours: number;
  /**
   * Maintenance refreshes a tracker token that runs out within this, so the poll about to use it
   * does not wait; one valid longer is left alone (it was an hour, which with Google's 3,599 s
   * tokens meant every token every hour, issue 17). @default 300_000
   */
  refreshAheadMs: number;
  /** Lease length when `owner` is set. @default 600_000 */
  leaseMs: number;
  /**
   * Maintenance reads each confirmed day back from the tracker at most once per this many hours
   * and rewrites it when it differs (drift repair, issue 15); 0 turns it off. @default 24
   */
  driftCheckHours: number;
  /** At most this many participants are read back per maintenance run (their request budget). @default 500 */
  driftBudget: number;
}

/** The defaults of {@link CoreSettings}. */
export const DEFAULT_CORE_SETTINGS: Readonly<CoreSettings> = Object.freeze({
  windowMinutes: 15,
  catchUpMinutes: 60,
  concurrency: 8,
  pollAll: false,
  incompleteGraceHours: 24,
  refreshAheadMs: 300_000,
  leaseMs: 600_000,
  driftCheckHours: 24,
  driftBudget: 500,
});

/** One HTTP attempt seen by any client, tagged with the API family it counts under. */
export type CountedRequest = { family: "weconnect" | "tracker"; status: number; api: string; endpoint: string };

/** Test and operations hooks; none is needed in production. */
export interface CoreHooks {
  /** Called after the tracker confirmed a write and before the database records it (crash tests). */
  beforeRecordWrite?(info: { participantId: number; localDate: string; steps: number; entryId: string }): void | Promise<void>;
}

/**
 * Everything a run needs, handed in: core reads no environment and keeps no module state.
 * `createRuntime` builds one from the config; tests build one by hand.
 */
export interface PowerTokenContext {
  /** The data port (over `@powertoken/db` in production). */
  data: CoreData;
  weconnect: WeconnectClient;
  /** One tracker per backend that is configured. */
  trackers: Partial<Record<TrackerBackend, Tracker>>;
  /** The token manager behind each tracker, for maintenance's refresh. */
  tokenManagers: Partial<Record<TrackerBackend, TokenManager>>;
  now: () => Date;
  log: Logger;
  settings: CoreSettings;
  /** Listeners told of every HTTP attempt (the runtime wires the clients' `onRequest` here). */
  requestListeners: Set<(request: CountedRequest) => void>;
  /** Participants being worked on in this process, per job: one participant never runs twice at once. */
  inFlight: Map<string, Set<number>>;
  /**
   * Request budgets and 429 pauses (issue 15 item 5). `createRuntime` gates every client's
   * transport through it; without one, runs neither budget nor postpone.
   */
  quota?: Quota;
  hooks?: CoreHooks;
}

/** Turn a client's `onRequest` info into a counted request for the context's listeners. */
export function notifyRequest(ctx: Pick<PowerTokenContext, "requestListeners">, family: CountedRequest["family"], info: Pick<RequestInfo, "status" | "api" | "endpoint">): void {
  for (const listener of ctx.requestListeners) {
    try {
      listener({ family, status: info.status, api: info.api, endpoint: info.endpoint });
    } catch {
      // A counting listener never breaks a request.
    }
  }
}
