export type { InviteRuntime } from "./invite-runtime.js";
export { generateInviteToken, hashInviteToken, INVITE_TOKEN_BYTES } from "./invite-token.js";
export { createInvite, createInvites, DEFAULT_INVITE_TTL_MS, type CreateInviteInput, type CreateInvitesInput, type CreatedInvite } from "./create-invite.js";
export { resolveInvite, type ResolvedInvite } from "./resolve-invite.js";
export {
  revokeInvites,
  markInviteOpened,
  markInviteCompleted,
  listParticipantInvites,
  countSigninAttempt,
  SIGNIN_ATTEMPT_LIMIT,
} from "./invite-lifecycle.js";
export { describeParticipantDay, localDateIn, type ParticipantDay, type PlannedEvent } from "./participant-day.js";
