import { listTrackerAccounts, loadWeconnectAccount, updateParticipant, type DatabaseHandle, type Participant, type ParticipantStatus } from "@powertoken/db";

/**
 * After a connect: the state that follows from the linked accounts (`ended` and
 * `needs-google-health` are left for staff to change).
 */
export async function settleStatus(handle: DatabaseHandle, participant: Participant): Promise<ParticipantStatus> {
  if (participant.status === "ended") return participant.status;
  const weconnect = await loadWeconnectAccount(handle.db, handle.keys, participant.id).catch(() => null);
  const trackers = await listTrackerAccounts(handle.db, participant.id);
  const trackerOk = trackers.some((t) => t.status === "active" && t.backend === "google-health") || (participant.status !== "needs-google-health" && trackers.some((t) => t.status === "active"));
  const next: ParticipantStatus = weconnect?.status !== "active" ? "needs-weconnect-signin" : trackerOk ? "active" : participant.status === "needs-google-health" ? "needs-google-health" : "needs-tracker-consent";
  if (next !== participant.status) await updateParticipant(handle.db, participant.id, { status: next });
  return next;
}
