import type { Day } from "@powertoken/db";
import type { DayLedger } from "../poll/decide-write.js";

/** The fields of a stored day that its write ledger reads (a `Day`, or a drift candidate with its state). */
export type LedgerSource = Pick<Day, "desiredSteps" | "desiredLabel" | "confirmedSteps" | "confirmedLabel" | "entryId" | "entryBackend" | "nothingShown" | "writeState">;

/** The write ledger of a stored day: what the poll and the drift check compare the tracker with. */
export function toLedger(day: LedgerSource): DayLedger {
  return {
    desiredSteps: day.desiredSteps,
    desiredLabel: day.desiredLabel,
    confirmedSteps: day.confirmedSteps,
    confirmedLabel: day.confirmedLabel,
    entryId: day.entryId,
    entryBackend: day.entryBackend,
    nothingShown: day.nothingShown,
    pending: day.writeState === "pending",
  };
}
