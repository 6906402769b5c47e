import { findParticipantById, listTrackerAccounts, loadWeconnectAccount, updateParticipant, type DatabaseHandle } from "@powertoken/db";
import type { ParticipantStatus } from "../data/core-data.js";
import { CoreError } from "../errors.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { participantState } from "./participant-state.js";

/**
 * Inside an open transaction: lock the participant's row (PostgreSQL), read its accounts, write the
 * state that follows. Reading and writing in one transaction keeps two links finishing at once
 * from each writing a state computed from half the accounts.
 * @throws CoreError PARTICIPANT_NOT_FOUND; DbError KEY_MISMATCH / DECRYPT_FAILED when the WEconnect token cannot be read
 */
export async function settleInTransaction(trx: DatabaseHandle["db"], handle: Pick<DatabaseHandle, "dialect" | "keys">, participantId: number, now: Date): Promise<ParticipantStatus> {
  if (handle.dialect === "postgres") {
    await trx.selectFrom("participants").select("id").where("id", "=", participantId).forUpdate().execute();
  }
  const participant = await findParticipantById(trx, participantId);
  if (participant === null) throw new CoreError("PARTICIPANT_NOT_FOUND", `No participant with id ${participantId}.`);
  const weconnect = await loadWeconnectAccount(trx, handle.keys, participantId);
  const trackers = await listTrackerAccounts(trx, participantId);
  const next = participantState({ participant, weconnect, trackers });
  if (next !== participant.status) await updateParticipant(trx, participantId, { status: next, now });
  return next;
}

/**
 * After a link: set the state that follows from the participant's accounts (`ended` and
 * `needs-google-health` are left for staff to change), read and written in one transaction.
 * @throws CoreError PARTICIPANT_NOT_FOUND; DbError KEY_MISSING / KEY_MISMATCH / DECRYPT_FAILED when the stored WEconnect token cannot be read
 */
export async function settleParticipantStatus(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number): Promise<ParticipantStatus> {
  return runtime.db.db.transaction().execute((trx) => settleInTransaction(trx, runtime.db, participantId, runtime.ctx.now()));
}
