import {
  claimDriftChecks,
  listDriftCandidates,
  listRestoreCandidates,
  reopenDriftedDay,
  listTrackerAccountSummaries,
  recordDriftCheck,
  recordTokenCheck,
  restoreWeconnectSignin,
  type DatabaseHandle,
  type DriftCandidate,
  type DriftOutcome,
  type ParticipantStatus,
  type ReopenDriftedDayInput,
  type RestoreCandidate,
  type TokenCheckOutcome,
} from "@powertoken/db";
import type { TrackerBackend } from "@powertoken/fitbit";

/** A confirmed day due for a read-back, with the tracker account to read it from. */
export interface DriftDay extends DriftCandidate {
  tracker: { accountKey: string; backend: TrackerBackend };
}

/**
 * The data the token-trust rules and the drift repair need (issue 15 items 3 and 4), kept apart
 * from the rest of `CoreData` so the two can change independently. Each method is one statement
 * or one transaction; no token is read here.
 */
export interface TrustData {
  /** Confirmed days in the date range, due for a read-back (see db's listDriftCandidates), each with an active tracker account. */
  listDriftDays(input: { fromDate: string; toDate: string; checkedBefore: Date; limit: number }): Promise<DriftDay[]>;
  /** Claim days for a read-back now; returns those won (another process may hold the rest). */
  claimDriftChecks(input: { items: readonly { participantId: number; localDate: string }[]; now: Date; checkedBefore: Date }): Promise<Array<{ participantId: number; localDate: string }>>;
  recordDriftCheck(input: { participantId: number; localDate: string; outcome: DriftOutcome; foundSteps: number | null; now: Date }): Promise<void>;
  /** Hand a drifted day back to the poll (state `pending`) while its ledger still holds `expected`; false when a poll changed it since. */
  reopenDriftedDay(input: ReopenDriftedDayInput): Promise<boolean>;
  /** Flagged participants whose stored token may be tried again (see db's listRestoreCandidates). */
  listRestoreCandidates(input: { now: Date; checkedBefore: Date; limit: number }): Promise<RestoreCandidate[]>;
  recordTokenCheck(input: { participantId: number; outcome: TokenCheckOutcome; now: Date }): Promise<void>;
  /** Back from `needs-weconnect-signin`, audited; returns the new status, or null when nothing changed. */
  restoreWeconnectSignin(input: { participantId: number; reason: string; now: Date }): Promise<ParticipantStatus | null>;
}

/** {@link TrustData} over `@powertoken/db`. */
export function createDbTrustData(handle: Pick<DatabaseHandle, "db">): TrustData {
  const { db } = handle;
  return {
    async listDriftDays(input) {
      const candidates = await listDriftCandidates(db, input);
      if (candidates.length === 0) return [];
      const accounts = await listTrackerAccountSummaries(db, [...new Set(candidates.map((c) => c.participantId))]);
      const out: DriftDay[] = [];
      for (const c of candidates) {
        const active = (accounts.get(c.participantId) ?? []).filter((a) => a.status === "active");
        // The same preference as the poll's: Google Health first (docs/fitbit-web-api.md#shutdown).
        const account = active.find((a) => a.backend === "google-health") ?? active[0];
        if (account) out.push({ ...c, tracker: { accountKey: String(account.id), backend: account.backend } });
      }
      return out;
    },
    claimDriftChecks: (input) => claimDriftChecks(db, input),
    recordDriftCheck: (input) => recordDriftCheck(db, input),
    reopenDriftedDay: (input) => reopenDriftedDay(db, input),
    listRestoreCandidates: (input) => listRestoreCandidates(db, input),
    recordTokenCheck: (input) => recordTokenCheck(db, input),
    restoreWeconnectSignin: (input) => restoreWeconnectSignin(db, input),
  };
}
