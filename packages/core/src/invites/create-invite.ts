import { createInviteRecord, findParticipantById, listParticipants, type ParticipantStatus } from "@powertoken/db";
import { CoreError } from "../errors.js";
import type { InviteRuntime } from "./invite-runtime.js";
import { generateInviteToken, hashInviteToken } from "./invite-token.js";

/** How long a link lives unless told otherwise: 14 days. */
export const DEFAULT_INVITE_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** What {@link createInvite} takes. */
export interface CreateInviteInput {
  participantId: number;
  /** Lifetime of the link in milliseconds. @default 14 days */
  expiresInMs?: number;
  /** Address the link starts with. @default runtime.config.web.publicUrl */
  publicUrl?: string;
}

/** A new invite. `token` and `url` carry the secret: hand them to the participant, never log them. */
export interface CreatedInvite {
  inviteId: number;
  participantId: number;
  participantName: string;
  /** `<publicUrl>/p/<token>` */
  url: string;
  /** The secret; returned only here, stored only as a hash. */
  token: string;
  expiresAt: Date;
}

function baseUrl(runtime: InviteRuntime, override: string | undefined): string {
  const url = override ?? runtime.config.web.publicUrl;
  if (!url) throw new CoreError("NOT_CONFIGURED", "Invite links need web.publicUrl (the https address participants reach).", { key: "web.publicUrl" });
  return url.replace(/\/+$/, "");
}

function checkTtl(expiresInMs: number): number {
  if (!(Number.isSafeInteger(expiresInMs) && expiresInMs > 0)) {
    throw new CoreError("INVALID_INPUT", "An invite's lifetime must be a positive whole number of milliseconds.", { key: "expiresInMs" });
  }
  return expiresInMs;
}

/**
 * Creates a personal link for one participant. Earlier links stay valid until they expire or
 * are revoked with `revokeInvites`.
 * @throws CoreError NOT_CONFIGURED (web.publicUrl), INVALID_INPUT, PARTICIPANT_NOT_FOUND
 * @example const { url } = await createInvite(runtime, { participantId: alice.id });
 */
export async function createInvite(runtime: InviteRuntime, input: CreateInviteInput): Promise<CreatedInvite> {
  const base = baseUrl(runtime, input.publicUrl);
  const ttl = checkTtl(input.expiresInMs ?? DEFAULT_INVITE_TTL_MS);
  const participant = await findParticipantById(runtime.db.db, input.participantId);
  if (!participant) throw new CoreError("PARTICIPANT_NOT_FOUND", `No participant with id ${input.participantId}.`);
  const now = runtime.ctx.now();
  const token = generateInviteToken();
  const record = await createInviteRecord(runtime.db.db, { participantId: participant.id, tokenHash: hashInviteToken(token), expiresAt: new Date(now.getTime() + ttl), now });
  return { inviteId: record.id, participantId: participant.id, participantName: participant.name, url: `${base}/p/${token}`, token, expiresAt: record.expiresAt };
}

/** What {@link createInvites} takes. */
export interface CreateInvitesInput {
  /** Participants in any of these states get a link. */
  states: readonly ParticipantStatus[];
  /** @default 14 days */
  expiresInMs?: number;
  /** @default runtime.config.web.publicUrl */
  publicUrl?: string;
}

/**
 * Creates one link per participant whose status is in `states`, in id order.
 * @throws CoreError NOT_CONFIGURED, INVALID_INPUT
 */
export async function createInvites(runtime: InviteRuntime, input: CreateInvitesInput): Promise<CreatedInvite[]> {
  const base = baseUrl(runtime, input.publicUrl);
  const expiresInMs = checkTtl(input.expiresInMs ?? DEFAULT_INVITE_TTL_MS);
  if (input.states.length === 0) return [];
  const participants = await listParticipants(runtime.db.db, { statuses: input.states });
  const created: CreatedInvite[] = [];
  for (const p of participants) created.push(await createInvite(runtime, { participantId: p.id, expiresInMs, publicUrl: base }));
  return created;
}
