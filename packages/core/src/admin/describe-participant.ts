import { listAudit, listInvites, type AuditEntry, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";
import { inviteLinkSummary, type InviteLinkSummary } from "./status-report.js";
import { loadLinkedAccounts, type TokenProblem } from "./token-health.js";

/** One participant as staff see it: settings, linked accounts (never a token) and recent audit entries. */
export interface ParticipantDescription {
  participant: Participant;
  weconnect: { personId: string; status: string; tokenExpiresAt: Date | null } | null;
  trackers: { backend: string; status: string; statusReason: string | null; expiresAt: Date; scopes: string[] }[];
  /** Set when the WEconnect token could not be decrypted (then `weconnect` is null). */
  tokenProblem: TokenProblem | null;
  /** The five latest audit entries, newest first. */
  recent: AuditEntry[];
  /** Every personal link made for the participant, newest first (sent, opened, completed, revoked). */
  links: InviteLinkSummary[];
}

/**
 * What `powertoken participants show` prints, as data.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 */
export async function describeParticipant(runtime: Pick<AdminRuntime, "db">, participantId: number): Promise<ParticipantDescription> {
  const participant = await findParticipant(runtime, participantId);
  const accounts = await loadLinkedAccounts(runtime, participant.id);
  const recent = await listAudit(runtime.db.db, { participantId: participant.id, limit: 5 });
  const links = (await listInvites(runtime.db.db, participant.id)).map(inviteLinkSummary);
  const w = accounts.weconnect;
  return {
    participant,
    weconnect: w && { personId: w.personId, status: w.status, tokenExpiresAt: w.tokenExpiresAt },
    trackers: accounts.trackers.map((t) => ({ backend: t.backend, status: t.status, statusReason: t.statusReason, expiresAt: t.expiresAt, scopes: [...t.scopes] })),
    tokenProblem: accounts.tokenProblem,
    recent,
    links,
  };
}
