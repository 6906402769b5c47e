import { findParticipantById, findParticipantByName, type Participant } from "@powertoken/db";
import type { DatabaseHandle } from "@powertoken/db";
import { CliError } from "./_errors.js";
import { localDateOf } from "@powertoken/weconnect";

/**
 * Finds a participant by study name, or by id when the reference is a number.
 * @throws CliError NOT_FOUND
 */
export async function findParticipant(handle: DatabaseHandle, ref: string): Promise<Participant> {
  const byName = await findParticipantByName(handle.db, ref);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const byId = await findParticipantById(handle.db, Number(ref));
    if (byId) return byId;
  }
  throw new CliError("NOT_FOUND", `No participant "${ref}". See \`powertoken participants list\`.`);
}

/** Today's date (`YYYY-MM-DD`) in a time zone. */
export function localToday(timeZone: string, now: Date = new Date()): string {
  return localDateOf(now, timeZone);
}

/** Parses a whole-number flag; `make` builds the (usage) error for a bad value. */
export function parseCount(value: string | undefined, flag: string, make: (m: string) => Error): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw make(`--${flag} must be a whole number, got "${value}".`);
  return Number(value);
}
