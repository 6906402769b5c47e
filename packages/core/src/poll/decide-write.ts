import type { TrackerBackend } from "@powertoken/fitbit";

/** What the day ledger remembers about PowerToken's entry for one participant and local day. */
export interface DayLedger {
  /** The last value we set out to write (recorded before calling the tracker). */
  desiredSteps: number | null;
  /** The label we set out to write with `desiredSteps`. */
  desiredLabel: string | null;
  /** The last value the tracker confirmed; null until a write succeeded. */
  confirmedSteps: number | null;
  /** The label the tracker confirmed with `confirmedSteps`. */
  confirmedLabel: string | null;
  /** The tracker's id of our entry, passed back so the write replaces it. */
  entryId: string | null;
  /** The backend `entryId` came from; an id is only ever sent back to that backend. */
  entryBackend?: TrackerBackend | null;
  /**
   * The tracker confirmed it shows nothing for the day (Google Health shows 0 steps as no entry,
   * packages/fitbit/README.md#google-health-tracker). A desired 0 then needs no write, whatever its label.
   */
  nothingShown?: boolean;
  /** True while an intended write is not confirmed (recorded before the tracker call). */
  pending?: boolean;
}

/** The decision for one poll. */
export type WriteDecision =
  | { action: "unchanged" }
  | { action: "write"; reason: "first" | "changed" | "reconcile" };

/**
 * The one answer to "does this day still need a write?": an intent is recorded and not
 * confirmed (state `pending`), or the value or label we set out to write differs from the one
 * the tracker confirmed. A day nobody intended to write yet (`desiredSteps` null) needs none, nor
 * does a desired 0 over a confirmed "nothing shown" (no entry carries a label to go stale).
 * Selection, the poll and the status report all ask this function.
 */
export function dayNeedsWrite(ledger: Pick<DayLedger, "desiredSteps" | "desiredLabel" | "confirmedSteps" | "confirmedLabel" | "pending" | "nothingShown">): boolean {
  if (ledger.pending === true) return true;
  if (ledger.desiredSteps === null) return false;
  if (ledger.desiredSteps === 0 && ledger.nothingShown === true) return false;
  return ledger.desiredSteps !== ledger.confirmedSteps || ledger.desiredLabel !== ledger.confirmedLabel;
}

/**
 * Write when the tracker has not confirmed exactly this value and label for the day. A pending
 * intent ({@link dayNeedsWrite}, left by a crash or a failed write) is rewritten even when the new
 * value equals the old confirmed one, because the tracker may hold the half-written value.
 * Integers only, so A→B→A is seen as a change (unlike the original's float check, docs/original-system.md#bug-14-non-delta-writes).
 */
export function decideWrite(ledger: DayLedger | null, next: { steps: number; label: string }): WriteDecision {
  if (ledger === null || ledger.confirmedSteps === null) return { action: "write", reason: "first" };
  if (dayNeedsWrite(ledger)) return { action: "write", reason: "reconcile" };
  if (ledger.nothingShown === true && next.steps === 0) return { action: "unchanged" };
  if (ledger.confirmedSteps !== next.steps || ledger.confirmedLabel !== next.label) {
    return { action: "write", reason: "changed" };
  }
  return { action: "unchanged" };
}
