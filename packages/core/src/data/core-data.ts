import type { AuditAction, AuditOutcome, ParticipantStatus } from "@powertoken/db";
import type { StoredToken, TokenSet, TrackerBackend } from "@powertoken/fitbit";
import type { RecurringActivity } from "@powertoken/weconnect";
import type { DayLedger } from "../poll/decide-write.js";
import type { MappingName } from "../mapping/mapping-settings.js";
import type { TrustData } from "./trust-data.js";
import type { IncompleteProfile, MaintenanceInputs, MaintenanceItem, MaintenancePage, MaintenancePageQuery } from "../maintenance/maintenance-inputs.js";

/** Where a participant stands: `@powertoken/db` owns the words (`participants.status`). */
export type { ParticipantStatus };

/** A participant with what a run needs to reach their accounts. Holds a token: never log it. */
export interface ParticipantRecord {
  id: number;
  name: string;
  timeZone: string;
  status: ParticipantStatus;
  mapping: MappingName;
  /** Steps at 100 % (seed, plan, weight) and the legacy goal. */
  goalSteps: number;
  /** Steps per check-in (tally) or per weight point (charge). */
  stepsPerUnit: number;
  createdAt: Date;
  weconnect: { personId: number; token: string; expiresAt: Date | null } | null;
  tracker: { accountKey: string; backend: TrackerBackend } | null;
}

/** An activity as PowerToken keeps it. */
export interface StoredActivity extends RecurringActivity {
  activityId: number;
  name: string;
  modifiedAt: Date;
  weight: number;
}

/** An occurrence with its check-in, as stored for a local day. */
export interface StoredEvent {
  eventId: string;
  activityId: number;
  start: Date;
  end: Date;
  checkedIn: boolean;
}

/** A participant a poll might select, with the facts the selection needs. */
export interface PollCandidate {
  participantId: number;
  timeZone: string;
  activities: StoredActivity[];
  /** Local dates of this participant's day rows that hold an unconfirmed write. */
  pendingDates: string[];
  /** Latest local date with a day row, or null. */
  lastDayDate: string | null;
  /** Items still open on today's day row in the participant's zone (planned − completed, as the last poll saw them); 0 without a row. */
  openToday: number;
  /** When a poll last saved today's day row (its `updated_at`), or null without a row. */
  lastPolledAt: Date | null;
  /** Today's stored counts and progress, when it has a row (the poll skips saving an unchanged day). */
  todayCounts?: DayCounts | null;
}

/** A day row's counts and progress as the last poll saved them. */
export interface DayCounts {
  plannedCount: number;
  completedCount: number;
  dailyProgress: number;
  weeklyProgress: number;
}

/** One page of {@link CoreData.listPollCandidates}: a keyset page or a list of ids. */
export type PollCandidatePage = { afterId: number; limit: number } | { ids: readonly number[] };

/** What a confirmed tracker write records, in one transaction with its audit row. */
export interface TrackerWriteRecord {
  participantId: number;
  participantName: string;
  localDate: string;
  steps: number;
  label: string;
  backend: TrackerBackend;
  /** The entry now shown; null when the tracker confirmed it shows nothing (Google Health's 0). */
  entryId: string | null;
  dailyProgress: number;
  weeklyProgress: number;
  at: Date;
}

/** The day counts a poll saw, saved with the events they came from. */
export interface DaySnapshot {
  participantId: number;
  localDate: string;
  /** Activities seen today but not stored yet (added in WEconnect since maintenance): inserted first. */
  newActivities?: StoredActivity[];
  events: StoredEvent[];
  plannedCount: number;
  completedCount: number;
  dailyProgress: number;
  /** Omitted by maintenance (it does not read the week): the stored value is kept. */
  weeklyProgress?: number;
  /**
   * Maintenance: create the day row when missing, but leave an existing one alone (its counts
   * are what the tracker shows, and its `updated_at` is when a poll last saw the day, which the
   * catch-up rule reads). The events are saved either way.
   */
  createOnly?: boolean;
  at: Date;
}

/** An audit row to append (`@powertoken/db`'s `AuditEntry` is one read back). */
export interface AuditRecord {
  at: Date;
  participantId: number | null;
  participantName: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  localDate?: string | null;
  steps?: number | null;
  backend?: TrackerBackend | null;
  entryId?: string | null;
  detail?: string | null;
}

/**
 * Everything core reads and writes in its database, as one port. `createDbCoreData` implements
 * it over `@powertoken/db` (the only implementation: tests run it on real SQLite and PostgreSQL).
 * Every write is idempotent; each method is one transaction.
 */
export interface CoreData extends TrustData {
  /** Participants (by id when `ids` is given) who are not paused: what the poll and maintenance work on. */
  listParticipants(filter?: { ids?: readonly number[] }): Promise<ParticipantRecord[]>;
  /**
   * Active participants with their activities and ledger facts (recent days relative to `now`).
   * With `page`, one keyset page (`id > afterId`, the first `limit` by id) or exactly the active
   * ones among `ids`: the poll walks the study this way and never holds all of it.
   */
  listPollCandidates(now: Date, page?: PollCandidatePage): Promise<PollCandidate[]>;
  /** The stored events of each participant's given local date, in one read per page. */
  eventsOn(items: ReadonlyArray<{ participantId: number; localDate: string }>): Promise<Map<number, StoredEvent[]>>;
  /** Set only the day's `updated_at` (a poll saw it unchanged); its ledger, or null when there is no such day. */
  touchDay(participantId: number, localDate: string, at: Date): Promise<DayLedger | null>;
  /** {@link CoreData.dayPoints} for several participants, each with its own local date, in one read per page. */
  dayPointsOf(items: ReadonlyArray<{ participantId: number; localDate: string }>): Promise<Map<number, number>>;
  listActivities(participantId: number): Promise<StoredActivity[]>;
  getDay(participantId: number, localDate: string): Promise<DayLedger | null>;
  /** A past day's ledger with the progress its audit row carries, for the poll to settle an unconfirmed write; null without a row. */
  getDayToSettle(participantId: number, localDate: string): Promise<{ ledger: DayLedger; dailyProgress: number; weeklyProgress: number } | null>;
  /** Σ weights of checked-in events stored for that local day (`charge` carries yesterday's). */
  dayPoints(participantId: number, localDate: string): Promise<number>;
  /** Save today's events and counts (creating the day row when missing), and return that day's write ledger. */
  saveDaySnapshot(snapshot: DaySnapshot): Promise<DayLedger>;
  /**
   * Record the intended write (pending) BEFORE the tracker is called. Resolves once it is
   * committed; concurrent calls may share one transaction (a group commit).
   */
  recordIntent(input: { participantId: number; localDate: string; steps: number; label: string; backend: TrackerBackend; at: Date }): Promise<void>;
  /** The tracker confirmed: set confirmed = desired, the entry id, and append the audit row; one transaction (concurrent calls may share it). */
  recordTrackerWrite(record: TrackerWriteRecord): Promise<void>;
  appendAudit(entry: AuditRecord): Promise<void>;
  recordError(input: { at: Date; participantId: number | null; origin: string; code: string; message: string }): Promise<void>;
  setStatus(participantId: number, status: ParticipantStatus, reason: string, at: Date): Promise<boolean>;
  /** Delete the participant (every owned row goes with it, cascade) and append the audit row, in one transaction. */
  removeParticipant(input: { participantId: number; reason: string; at: Date }): Promise<void>;
  /** Upsert changed activities and delete the given ones, in one transaction. */
  syncActivities(input: { participantId: number; upsert: StoredActivity[]; removeIds: number[]; at: Date }): Promise<void>;
  /** Delete activities that stopped occurring before `now`. Returns how many. */
  removeExpiredActivities(now: Date): Promise<number>;
  /** Maintenance's reads for a page of participants (tracker expiries, activities, today's events and day rows) in a few queries; no token is decrypted. */
  loadMaintenanceInputs(items: readonly MaintenanceItem[]): Promise<MaintenanceInputs>;
  /**
   * One keyset page of the participants maintenance works on (complete, not paused, not ended),
   * with their inputs, in a few queries; each WEconnect token is decrypted only when read.
   */
  loadMaintenancePage(query: MaintenancePageQuery): Promise<MaintenancePage>;
  /** How many participants the pages of `loadMaintenancePage` hold (a progress total). */
  countMaintenanceParticipants(filter?: { ids?: readonly number[] }): Promise<number>;
  /** One keyset page of the profiles created before `createdBefore` that lack an account, paused and ended ones included. */
  listIncompleteProfiles(query: { afterId: number; limit: number; createdBefore: Date; ids?: readonly number[] }): Promise<IncompleteProfile[]>;
  /**
   * Leases: claim those of `ids` whose lease for `job` is absent or has `until_at <= now`, for
   * `owner` until `now + leaseMs`, in one atomic statement per chunk. Returns the ids won; the
   * others are held by a replica (or were released until a time still ahead). With `freeBy`
   * (earlier than `now`), only leases whose `until_at <= freeBy`: a run passes its own start, so it
   * never takes a participant released as done after it began (see db's claimLeases).
   */
  claimParticipants(input: { ids: readonly number[]; owner: string; job: string; now: Date; leaseMs: number; freeBy?: Date }): Promise<number[]>;
  /**
   * Tracker accounts whose refresh holder died between sending a refresh token and saving the
   * answer (its lock expired with an in-flight record), oldest first, with their backend.
   */
  listOrphanedRefreshes(now: Date): Promise<Array<{ accountId: number; backend: TrackerBackend }>>;
  /** Extend the leases `owner` still holds among `ids` to `now + leaseMs`, in one statement. Returns how many. */
  renewParticipants(input: { ids: readonly number[]; owner: string; job: string; now: Date; leaseMs: number }): Promise<number>;
  /** Give leases back: `owner` null and `until_at = until`, so nobody claims them before `until`. */
  releaseParticipants(input: { ids: readonly number[]; owner: string; job: string; until: Date }): Promise<void>;
  /** Tracker tokens, for the TokenStore. */
  loadTrackerToken(accountKey: string): Promise<StoredToken | null>;
  saveTrackerToken(accountKey: string, tokens: TokenSet, expectedVersion: number): Promise<StoredToken | null>;
  markTrackerReauth(accountKey: string, reason: string): Promise<void>;
}
