import { listInvites, markInviteRecordCompleted, markInviteRecordOpened, recordSigninAttempt, revokeInviteRecords, type Invite, type SigninAttemptResult } from "@powertoken/db";
import type { InviteRuntime } from "./invite-runtime.js";

/** Revokes every live link of a participant; returns how many. */
export function revokeInvites(runtime: Pick<InviteRuntime, "db" | "ctx">, participantId: number): Promise<number> {
  return revokeInviteRecords(runtime.db.db, participantId, runtime.ctx.now());
}

/** Records that the participant opened the link (the first time counts). */
export function markInviteOpened(runtime: Pick<InviteRuntime, "db" | "ctx">, inviteId: number): Promise<void> {
  return markInviteRecordOpened(runtime.db.db, inviteId, runtime.ctx.now());
}

/** Records that the participant finished every step (the first time counts). */
export function markInviteCompleted(runtime: Pick<InviteRuntime, "db" | "ctx">, inviteId: number): Promise<void> {
  return markInviteRecordCompleted(runtime.db.db, inviteId, runtime.ctx.now());
}

/** A participant's links, newest first, without secrets (for `status` and `participants show`). */
export function listParticipantInvites(runtime: Pick<InviteRuntime, "db">, participantId: number): Promise<Invite[]> {
  return listInvites(runtime.db.db, participantId);
}

/** Sign-in attempts allowed per link and window (issue 11: 5 per 15 minutes). */
export const SIGNIN_ATTEMPT_LIMIT = { limit: 5, windowMs: 15 * 60 * 1000 } as const;

/**
 * Counts one WEconnect sign-in attempt through a link, in the database so the limit survives
 * restarts and holds across replicas. `allowed: false` comes with `retryAt`.
 */
export function countSigninAttempt(
  runtime: Pick<InviteRuntime, "db" | "ctx">,
  inviteId: number,
  limits: { limit: number; windowMs: number } = SIGNIN_ATTEMPT_LIMIT,
): Promise<SigninAttemptResult> {
  return recordSigninAttempt(runtime.db.db, { inviteId, ...limits, now: runtime.ctx.now() });
}
