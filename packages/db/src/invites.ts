import type { Generated, Kysely } from "kysely";
import { count, inTransaction } from "./_db.js";
import { dialectOf } from "./_dialect.js";
import { fromIso, fromIsoOrNull, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/**
 * `invites`: one personal enrolment link. `token_hash` is the SHA-256 (hex) of the link's secret;
 * the secret itself is never stored. The sign-in attempt window sits on the row (issue 11).
 */
export interface InvitesTable {
  id: Generated<number>;
  participant_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  opened_at: string | null;
  completed_at: string | null;
  attempt_window_started_at: string | null;
  attempt_count: Generated<number>;
}

/** The tables this module adds to `Database`. */
export type InviteTables = {
  invites: InvitesTable;
};

/** One invite link, without its secret. */
export interface Invite {
  id: number;
  participantId: number;
  /** SHA-256 hex of the link's secret; compare it in constant time. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  openedAt: Date | null;
  completedAt: Date | null;
}

/** What `createInviteRecord` takes. */
export interface CreateInviteRecordInput {
  participantId: number;
  /** SHA-256 hex of the secret (64 lowercase hex characters). */
  tokenHash: string;
  expiresAt: Date;
  /** @default new Date() */
  now?: Date;
}

/** The outcome of one sign-in attempt against an invite's limit. */
export interface SigninAttemptResult {
  /** False once `limit` attempts were made inside the window; the attempt is then not counted. */
  allowed: boolean;
  /** When the window ends and attempts are allowed again (null while allowed). */
  retryAt: Date | null;
}

const HASH = /^[0-9a-f]{64}$/;
const tables = (db: Kysely<Database>) => db.withTables<InviteTables>();

type InviteRow = { id: number; participant_id: number; token_hash: string; created_at: string; expires_at: string; revoked_at: string | null; opened_at: string | null; completed_at: string | null };

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    participantId: row.participant_id,
    tokenHash: row.token_hash,
    createdAt: fromIso(row.created_at),
    expiresAt: fromIso(row.expires_at),
    revokedAt: fromIsoOrNull(row.revoked_at),
    openedAt: fromIsoOrNull(row.opened_at),
    completedAt: fromIsoOrNull(row.completed_at),
  };
}

const COLUMNS = ["id", "participant_id", "token_hash", "created_at", "expires_at", "revoked_at", "opened_at", "completed_at"] as const;

/**
 * Stores a new invite for a participant.
 * @throws DbError INVALID_INPUT (hash not 64 hex characters, bad dates), NOT_FOUND (no such participant)
 */
export async function createInviteRecord(db: Kysely<Database>, input: CreateInviteRecordInput): Promise<Invite> {
  if (!HASH.test(input.tokenHash)) throw new DbError("INVALID_INPUT", "tokenHash must be a SHA-256 in lowercase hex.", { table: "invites" });
  const now = input.now ?? new Date();
  const participant = await db.selectFrom("participants").select("id").where("id", "=", input.participantId).executeTakeFirst();
  if (!participant) throw new DbError("NOT_FOUND", `No participant with id ${input.participantId}.`, { table: "invites" });
  const row = await tables(db)
    .insertInto("invites")
    .values({ participant_id: input.participantId, token_hash: input.tokenHash, created_at: toIso(now, "now"), expires_at: toIso(input.expiresAt, "expiresAt") })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toInvite(row);
}

/** The invite whose secret hashes to `tokenHash`, whatever its state, or null. */
export async function findInviteByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<Invite | null> {
  if (!HASH.test(tokenHash)) return null;
  const row = await tables(db).selectFrom("invites").select(COLUMNS).where("token_hash", "=", tokenHash).executeTakeFirst();
  return row ? toInvite(row) : null;
}

/** A participant's invites, newest first. */
export async function listInvites(db: Kysely<Database>, participantId: number): Promise<Invite[]> {
  const rows = await tables(db).selectFrom("invites").select(COLUMNS).where("participant_id", "=", participantId).orderBy("created_at", "desc").orderBy("id", "desc").execute();
  return rows.map(toInvite);
}

/** Revokes every live invite of a participant; returns how many were revoked. */
export async function revokeInviteRecords(db: Kysely<Database>, participantId: number, now: Date = new Date()): Promise<number> {
  const result = await tables(db)
    .updateTable("invites")
    .set({ revoked_at: toIso(now, "now") })
    .where("participant_id", "=", participantId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return count(result.numUpdatedRows);
}

/** Records the first time an invite was opened (later opens keep the first). */
export async function markInviteRecordOpened(db: Kysely<Database>, inviteId: number, now: Date = new Date()): Promise<void> {
  await tables(db).updateTable("invites").set({ opened_at: toIso(now, "now") }).where("id", "=", inviteId).where("opened_at", "is", null).execute();
}

/** Records when the participant finished the invite's steps (the first time). */
export async function markInviteRecordCompleted(db: Kysely<Database>, inviteId: number, now: Date = new Date()): Promise<void> {
  await tables(db).updateTable("invites").set({ completed_at: toIso(now, "now") }).where("id", "=", inviteId).where("completed_at", "is", null).execute();
}

/**
 * Counts one sign-in attempt on an invite: allowed while fewer than `limit` were made in the
 * current window of `windowMs`; a new window starts with the first attempt after the last one
 * ended. Runs in one transaction (row locked on PostgreSQL) so replicas share one count.
 * @throws DbError NOT_FOUND, INVALID_INPUT
 */
export async function recordSigninAttempt(
  db: Kysely<Database>,
  input: { inviteId: number; limit: number; windowMs: number; now?: Date },
): Promise<SigninAttemptResult> {
  if (!(input.limit > 0 && input.windowMs > 0)) throw new DbError("INVALID_INPUT", "limit and windowMs must be positive.", { table: "invites" });
  const now = input.now ?? new Date();
  return inTransaction(db, async (trx) => {
    let query = tables(trx).selectFrom("invites").select(["attempt_window_started_at", "attempt_count"]).where("id", "=", input.inviteId);
    if (dialectOf(trx) === "postgres") query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw new DbError("NOT_FOUND", `No invite with id ${input.inviteId}.`, { table: "invites" });
    const startedAt = row.attempt_window_started_at ? fromIso(row.attempt_window_started_at) : null;
    const fresh = !startedAt || now.getTime() - startedAt.getTime() >= input.windowMs;
    if (!fresh && row.attempt_count >= input.limit) {
      return { allowed: false, retryAt: new Date(startedAt.getTime() + input.windowMs) };
    }
    await tables(trx)
      .updateTable("invites")
      .set(fresh ? { attempt_window_started_at: toIso(now, "now"), attempt_count: 1 } : { attempt_count: row.attempt_count + 1 })
      .where("id", "=", input.inviteId)
      .execute();
    return { allowed: true, retryAt: null };
  });
}
