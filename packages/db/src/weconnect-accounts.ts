import type { Kysely } from "kysely";
import { decryptToken, encryptToken, tokenAad } from "./_crypto.js";
import { count } from "./_db.js";
import { chunkRows, fromIso, fromIsoOrNull, toIso, toIsoOrNull } from "./_values.js";
import type { EncryptionKeys } from "./encryption-keys.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";
import type { WeconnectAccountRow, WeconnectAccountStatus } from "./schema/weconnect-accounts.js";

/** A participant's WEconnect link with its token decrypted. */
export interface WeconnectAccount {
  id: number;
  participantId: number;
  personId: string;
  accessToken: string;
  tokenExpiresAt: Date | null;
  status: WeconnectAccountStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** What `saveWeconnectAccount` takes. */
export interface SaveWeconnectAccountInput {
  participantId: number;
  personId: string;
  accessToken: string;
  tokenExpiresAt?: Date | null;
  /** @default "active" */
  status?: WeconnectAccountStatus;
  /** @default new Date() */
  now?: Date;
}

/** AAD of the WEconnect token cell of a participant. */
export function weconnectTokenAad(participantId: number): string {
  return tokenAad("weconnect_accounts", "access_token", `participant=${participantId}`);
}

function toAccount(row: WeconnectAccountRow, keys: EncryptionKeys | undefined): WeconnectAccount {
  return {
    id: row.id,
    participantId: row.participant_id,
    personId: row.person_id,
    accessToken: decryptToken(keys, row.access_token, weconnectTokenAad(row.participant_id)),
    tokenExpiresAt: fromIsoOrNull(row.token_expires_at),
    status: row.status,
    createdAt: fromIso(row.created_at),
    updatedAt: fromIso(row.updated_at),
  };
}

/**
 * The plaintext of a WEconnect token cell as stored (`sealedToken`, e.g. from
 * `listMaintenanceParticipants`), for callers that decrypt a token only when they use it.
 * @throws DbError KEY_MISSING, KEY_MISMATCH, DECRYPT_FAILED (also when the cell belongs to another participant)
 */
export function openWeconnectToken(keys: EncryptionKeys | undefined, participantId: number, sealedToken: string): string {
  return decryptToken(keys, sealedToken, weconnectTokenAad(participantId));
}

/**
 * Creates or replaces (after a new sign-in) a participant's WEconnect account; the token is
 * encrypted with the current key.
 * @throws DbError KEY_MISSING, INVALID_INPUT, NOT_FOUND when the participant does not exist
 */
export async function saveWeconnectAccount(db: Kysely<Database>, keys: EncryptionKeys | undefined, input: SaveWeconnectAccountInput): Promise<WeconnectAccount> {
  if (typeof input.accessToken !== "string" || input.accessToken === "") {
    throw new DbError("INVALID_INPUT", "A WEconnect access token must be a non-empty string.", { table: "weconnect_accounts" });
  }
  const at = toIso(input.now ?? new Date(), "now");
  const values = {
    person_id: String(input.personId),
    access_token: encryptToken(keys, input.accessToken, weconnectTokenAad(input.participantId)),
    token_expires_at: toIsoOrNull(input.tokenExpiresAt, "tokenExpiresAt"),
    status: input.status ?? ("active" as const),
    updated_at: at,
  };
  const exists = await db.selectFrom("participants").select("id").where("id", "=", input.participantId).executeTakeFirst();
  if (!exists) throw new DbError("NOT_FOUND", `No participant with id ${input.participantId}; create the participant first.`, { table: "participants" });
  const row = await db
    .insertInto("weconnect_accounts")
    .values({ participant_id: input.participantId, created_at: at, ...values })
    .onConflict((oc) => oc.column("participant_id").doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAccount(row, keys);
}

/**
 * A participant's WEconnect account with the token decrypted, or null when none is linked.
 * @throws DbError KEY_MISSING, KEY_MISMATCH, DECRYPT_FAILED
 */
export async function loadWeconnectAccount(db: Kysely<Database>, keys: EncryptionKeys | undefined, participantId: number): Promise<WeconnectAccount | null> {
  const row = await db.selectFrom("weconnect_accounts").selectAll().where("participant_id", "=", participantId).executeTakeFirst();
  return row ? toAccount(row, keys) : null;
}

/**
 * The WEconnect accounts of many participants at once (tokens decrypted), keyed by participant
 * id; a participant without a link is absent. One query per 30,000 ids instead of one per id.
 * @throws DbError KEY_MISSING, KEY_MISMATCH, DECRYPT_FAILED
 */
export async function loadWeconnectAccounts(db: Kysely<Database>, keys: EncryptionKeys | undefined, participantIds: readonly number[]): Promise<Map<number, WeconnectAccount>> {
  const out = new Map<number, WeconnectAccount>();
  for (const chunk of chunkRows([...new Set(participantIds)], 1)) {
    const rows = await db.selectFrom("weconnect_accounts").selectAll().where("participant_id", "in", chunk).orderBy("participant_id").execute();
    for (const row of rows) out.set(row.participant_id, toAccount(row, keys));
  }
  return out;
}

/**
 * Marks a WEconnect link (e.g. `reauth-required` after a 401).
 * @throws DbError NOT_FOUND
 */
export async function setWeconnectAccountStatus(db: Kysely<Database>, participantId: number, status: WeconnectAccountStatus, now: Date = new Date()): Promise<void> {
  const result = await db
    .updateTable("weconnect_accounts")
    .set({ status, updated_at: toIso(now, "now") })
    .where("participant_id", "=", participantId)
    .executeTakeFirst();
  if (count(result.numUpdatedRows) === 0) {
    throw new DbError("NOT_FOUND", `Participant ${participantId} has no WEconnect account.`, { table: "weconnect_accounts" });
  }
}
