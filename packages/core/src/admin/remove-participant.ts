import { removeParticipant as removeParticipantRow, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";

/**
 * Delete a participant with their accounts, activities and days; the audit log keeps their history.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 */
export async function removeParticipant(runtime: Pick<AdminRuntime, "db">, participantId: number, options: { reason?: string } = {}): Promise<Participant> {
  await findParticipant(runtime, participantId);
  return removeParticipantRow(runtime.db.db, { participantId, reason: options.reason ?? "removed by staff" });
}
