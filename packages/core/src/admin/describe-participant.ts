import { listAudit, type AuditEntry, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";
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
}

/**
 * What `powertoken participants show` prints, as data.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 */
export async function describeParticipant(runtime: Pick<AdminRuntime, "db">, participantId: number): Promise<ParticipantDescription> {
  const participant = await findParticipant(runtime, participantId);
  const accounts = await loadLinkedAccounts(runtime, participant.id);
  const recent = await listAudit(runtime.db.db, { participantId: participant.id, limit: 5 });
  const w = accounts.weconnect;
  return {
    participant,
    weconnect: w && { personId: w.personId, status: w.status, tokenExpiresAt: w.tokenExpiresAt },
    trackers: accounts.trackers.map((t) => ({ backend: t.backend, status: t.status, statusReason: t.statusReason, expiresAt: t.expiresAt, scopes: [...t.scopes] })),
    tokenProblem: accounts.tokenProblem,
    recent,
  };
}
