import type { DayEntry } from "@powertoken/fitbit";
import type { DayLedger } from "../poll/decide-write.js";

/**
 * How the tracker's day differs from what the ledger says it confirmed, in words for the audit
 * row, or null when it shows exactly that. A confirmed "nothing shown" (Google Health's 0) expects
 * no entry; any other confirmed value expects PowerToken's entry with that step count, and with
 * that label where the backend keeps one (legacy logs carry none). Pure.
 * @example describeDrift({ confirmedSteps: 2000, … }, null) // "the tracker no longer shows its one entry of 2000 steps"
 */
export function describeDrift(ledger: Pick<DayLedger, "confirmedSteps" | "confirmedLabel" | "nothingShown">, shown: DayEntry | null): string | null {
  const expected = ledger.confirmedSteps;
  if (expected === null) return null;
  if (ledger.nothingShown === true) {
    return shown === null || shown.steps === 0 ? null : `an entry of ${shown.steps} steps is shown where nothing should be`;
  }
  if (shown === null) // null also covers a legacy day holding a second PowerToken log beside it (readDay cannot tell which counts).
  if (shown === null) return `the tracker no longer shows its one entry of ${expected} steps`;
  if (shown.steps !== expected) return `the entry shows ${shown.steps} steps instead of ${expected}`;
  if (shown.label !== null && ledger.confirmedLabel !== null && shown.label !== ledger.confirmedLabel) return `the entry's label was changed`;
  return null;
}
