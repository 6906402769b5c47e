import { listAudit, listParticipants as listParticipantRows, type AuditEntry, type ListAuditFilter, type ListParticipantsFilter, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "./admin-runtime.js";

/** Every participant (optionally only some states), ordered by id. */
export async function listParticipants(runtime: Pick<AdminRuntime, "db">, filter: ListParticipantsFilter = {}): Promise<Participant[]> {
  return listParticipantRows(runtime.db.db, filter);
}

/** The audit log, newest first (`participantId`, `since`, `limit` narrow it); it never holds a token. */
export async function listAuditLog(runtime: Pick<AdminRuntime, "db">, filter: ListAuditFilter = {}): Promise<AuditEntry[]> {
  return listAudit(runtime.db.db, filter);
}
