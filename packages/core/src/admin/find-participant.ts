import { findParticipantById, findParticipantByName, type Participant } from "@powertoken/db";
import { CoreError } from "../errors.js";
import type { AdminRuntime } from "./admin-runtime.js";

/**
 * A participant by study name, or by id (a number, or a string of digits that is no one's name).
 * @throws CoreError PARTICIPANT_NOT_FOUND
 * @example const alice = await findParticipant(runtime, "alice");
 */
export async function findParticipant(runtime: Pick<AdminRuntime, "db">, ref: string | number): Promise<Participant> {
  const db = runtime.db.db;
  if (typeof ref === "string") {
    const byName = await findParticipantByName(db, ref);
    if (byName) return byName;
  }
  const id = typeof ref === "number" ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined;
  if (id !== undefined && Number.isSafeInteger(id)) {
    const byId = await findParticipantById(db, id);
    if (byId) return byId;
  }
  throw new CoreError("PARTICIPANT_NOT_FOUND", `No participant "${String(ref).slice(0, 100)}". See \`powertoken participants list\`.`);
}
