/** What the day ledger remembers about PowerToken's entry for one participant and local day. */
export interface DayLedger {
  /** The last value we set out to write (recorded before calling the tracker). */
  desiredSteps: number | null;
  /** The last value the tracker confirmed; null until a write succeeded. */
  confirmedSteps: number | null;
  /** The label the tracker confirmed with `confirmedSteps`. */
  confirmedLabel: string | null;
  /** The tracker's id of our entry, passed back so the write replaces it. */
  entryId: string | null;
  /** True while an intended write is not confirmed (recorded before the tracker call). */
  pending?: boolean;
}

/** The decision for one poll. */
export type WriteDecision =
  | { action: "unchanged" }
  | { action: "write"; reason: "first" | "changed" | "reconcile" };

/**
 * Write when the tracker has not confirmed exactly this value and label for the day. A pending
 * intent (desired ≠ confirmed, left by a crash or a failed write) is rewritten even when the new
 * value equals the old confirmed one, because the tracker may hold the half-written value.
 * Integers only, so A→B→A is seen as a change (unlike the original's float check, §9.14).
 */
export function decideWrite(ledger: DayLedger | null, next: { steps: number; label: string }): WriteDecision {
  if (ledger === null || ledger.confirmedSteps === null) return { action: "write", reason: "first" };
  const pending = ledger.pending === true || (ledger.desiredSteps !== null && ledger.desiredSteps !== ledger.confirmedSteps);
  if (pending) return { action: "write", reason: "reconcile" };
  if (ledger.confirmedSteps !== next.steps || ledger.confirmedLabel !== next.label) {
    return { action: "write", reason: "changed" };
  }
  return { action: "unchanged" };
}
