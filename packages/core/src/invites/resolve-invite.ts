import { findInviteByTokenHash, findParticipantById, type Invite, type Participant } from "@powertoken/db";
import type { InviteRuntime } from "./invite-runtime.js";
import { hashInviteToken, looksLikeInviteToken, sameHash } from "./invite-token.js";

/** A live invite and its participant. */
export interface ResolvedInvite {
  invite: Invite;
  participant: Participant;
}

/**
 * The participant behind a link's secret, or null when the link is unknown, expired or revoked
 * (callers show the same page for all three, so a guesser learns nothing). The lookup is by the
 * secret's SHA-256, and the stored hash is compared again in constant time.
 */
export async function resolveInvite(runtime: InviteRuntime, token: string): Promise<ResolvedInvite | null> {
  if (!looksLikeInviteToken(token)) return null;
  const hash = hashInviteToken(token);
  const invite = await findInviteByTokenHash(runtime.db.db, hash);
  if (!invite || !sameHash(invite.tokenHash, hash)) return null;
  const now = runtime.ctx.now();
  if (invite.revokedAt || invite.expiresAt.getTime() <= now.getTime()) return null;
  const participant = await findParticipantById(runtime.db.db, invite.participantId);
  return participant ? { invite, participant } : null;
}
