import { findParticipantById, findParticipantByName, type Participant } from "@powertoken/db";
import { CoreError } from "../errors.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { normaliseParticipantName } from "./participant-name.js";

/**
 * A participant by study name (as given, then normalised as names are stored), or by id (a number, or a string of digits that is no one's name).
 * @throws CoreError PARTICIPANT_NOT_FOUND
 * @example const alice = await findParticipant(runtime, "alice");
 */
export async function findParticipant(runtime: Pick<AdminRuntime, "db">, ref: string | number): Promise<Participant> {
  const db = runtime.db.db;
  if (typeof ref === "string") {
    const stored = normaliseParticipantName(ref);
    const byName = (await findParticipantByName(db, ref)) ?? (stored === ref ? null : await findParticipantByName(db, stored));
    if (byName) return byName;
  }
  const id = typeof ref === "number" ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined;
  if (id !== undefined && Number.isSafeInteger(id)) {
    const byId = await findParticipantById(db, id);
    if (byId) return byId;
  }
  // JSON quoting shows a control character in the reference as an inert \u escape.
  throw new CoreError("PARTICIPANT_NOT_FOUND", `No participant ${JSON.stringify(String(ref).slice(0, 100))}. See \`powertoken participants list\`.`);
}
