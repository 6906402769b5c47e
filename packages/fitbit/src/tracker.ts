/** The two tracker backends PowerToken can write to. */
export type TrackerBackend = "google-health" | "fitbit-legacy";

/** What PowerToken wants a participant's tracker to show for one local day. */
export interface ShowDayInput {
  /** Key of the participant's tracker account in the caller's token store. */
  accountKey: string;
  /** Local calendar date of the participant, `YYYY-MM-DD`. */
  date: string;
  /** IANA time zone of the participant, used to place the entry inside that local day. */
  timeZone: string;
  /**
   * Step count to show (a non-negative integer). On legacy, 0 is written as a 0-step log; on
   * Google Health, 0 means no exercise at all that day (an existing one is deleted).
   */
  steps: number;
  /** Short text shown with the entry where the backend can, e.g. "PowerToken: 3 of 5 check-ins". */
  label: string;
  /** The entry id PowerToken recorded for this day, if any, so stale entries can be found and replaced. */
  knownEntryId?: string | null;
  /**
   * The backend `knownEntryId` was recorded for. An id from another backend is never sent;
   * without it, Google Health trusts only ids with its own prefix.
   */
  knownEntryBackend?: TrackerBackend | null;
}

/** The entry PowerToken owns on the tracker for one day, as read back. */
export interface DayEntry {
  /** Backend id of PowerToken's entry (Google data point id, or legacy log id as a string). */
  entryId: string;
  steps: number;
  /** The label, where the backend stores one (Google Health `displayName`); null on legacy. */
  label: string | null;
}

/** Result of showing a day: the entry now on the tracker and what was replaced. */
export interface ShowDayResult extends DayEntry {
  /** True when a new entry was created, false when an existing one was updated in place. */
  created: boolean;
  /** PowerToken's own stale entries for that day that were removed (legacy replaces by log + delete). */
  removedEntryIds: string[];
  /**
   * `confirmed`: the server confirmed the result. `unconfirmed`: the write was sent but not
   * confirmed (Google `done: false`, or a create/patch race); keep the day pending and let the
   * next poll write again. Absent (older backends): confirmed.
   */
  state?: "confirmed" | "unconfirmed";
  /** The backend `entryId` belongs to; store it with the id. Absent: the tracker's own backend. */
  entryBackend?: TrackerBackend;
  /**
   * Steps the tracker confirmed it shows; `null` when nothing is shown (Google Health with 0
   * steps: no entry exists, a confirmed state) or when unconfirmed. Absent: `steps`.
   */
  shown?: number | null;
}

/**
 * One interface for the sync logic, implemented by the Google Health and legacy Fitbit backends.
 * Every method is idempotent and touches only entries PowerToken created.
 */
export interface Tracker {
  readonly backend: TrackerBackend;
  /** The participant's IANA time zone as set on their account. */
  getTimeZone(accountKey: string): Promise<string>;
  /** Make the tracker show `steps` for `date`; writing the same day twice never creates a second entry. */
  showDay(input: ShowDayInput): Promise<ShowDayResult>;
  /** PowerToken's entry for `date`, or null when there is none. */
  readDay(input: { accountKey: string; date: string; timeZone: string; knownEntryId?: string | null; knownEntryBackend?: TrackerBackend | null }): Promise<DayEntry | null>;
  /** Remove PowerToken's entry (or entries) for `date`; returns the ids removed. */
  clearDay(input: { accountKey: string; date: string; timeZone: string; knownEntryId?: string | null; knownEntryBackend?: TrackerBackend | null }): Promise<{ removedEntryIds: string[] }>;
  /**
   * Legacy only (Google Health has no goal API): set the daily step goal so the tracker's
   * progress lights match the mapping. Google Health resolves to `{ supported: false }`.
   */
  ensureDailyStepGoal(accountKey: string, steps: number): Promise<{ supported: boolean; changed: boolean }>;
}

/** Seen once per HTTP attempt, for metrics and request counting; never carries a token or URL. */
export interface RequestInfo {
  api: string;
  /** The endpoint template. */
  endpoint: string;
  /** HTTP method of the attempt (`GET`, `POST`…). */
  method: string;
  /**
   * What the call does, stable across API versions: OAuth `token-exchange` | `token-refresh` |
   * `token-revoke`; Google Health `create-point` | `patch-point` | `get-point` | `batch-delete` |
   * `daily-steps` | `settings` | `identity`; legacy `create-log` | `delete-log` | `list-logs` |
   * `day-summary` | `steps-series` | `get-goal` | `set-goal` | `profile`.
   */
  operation: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
  attempt: number;
}
