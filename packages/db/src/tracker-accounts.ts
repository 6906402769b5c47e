import type { Kysely } from "kysely";
import { decryptToken, encryptToken, tokenAad } from "./_crypto.js";
import { count, inTransaction } from "./_db.js";
import { fixedSql, runFixed } from "./_fixed-sql.js";
import { fromIso, toIso } from "./_values.js";
import type { EncryptionKeys } from "./encryption-keys.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";
import type { TrackerAccountRow, TrackerAccountStatus, TrackerBackend } from "./schema/tracker-accounts.js";

/** A tracker account without its tokens. */
export interface TrackerAccount {
  id: number;
  participantId: number;
  backend: TrackerBackend;
  externalUserId: string | null;
  expiresAt: Date;
  scopes: string[];
  version: number;
  status: TrackerAccountStatus;
  statusReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Decrypted tokens: the shape of `@powertoken/fitbit`'s `StoredToken`. */
export interface TrackerToken {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date;
  scopes: string[];
  /** Compare-and-swap version; pass it back as `expectedVersion`. */
  version: number;
}

/** What `saveTrackerAccount` takes (after a consent grant). */
export interface SaveTrackerAccountInput {
  participantId: number;
  backend: TrackerBackend;
  externalUserId?: string | null;
  accessToken: string;
  refreshToken?: string | null;
  expiresAt: Date;
  scopes: readonly string[];
  /** @default new Date() */
  now?: Date;
}

/** What `saveTrackerToken` takes (after a refresh). */
export interface SaveTrackerTokenInput {
  accountId: number;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date;
  scopes: readonly string[];
  /** The version the caller loaded; the save happens only if it is still current. */
  expectedVersion: number;
  /** @default new Date() */
  now?: Date;
}

/** AAD of a tracker token cell (`access_token` or `refresh_token`). */
export function trackerTokenAad(column: "access_token" | "refresh_token", participantId: number, backend: TrackerBackend): string {
  return tokenAad("tracker_accounts", column, `participant=${participantId};backend=${backend}`);
}

/** Row → `TrackerAccount`. */
export function toTrackerAccount(row: TrackerAccountRow): TrackerAccount {
  return {
    id: row.id,
    participantId: row.participant_id,
    backend: row.backend,
    externalUserId: row.external_user_id,
    expiresAt: fromIso(row.expires_at),
    scopes: row.scopes === "" ? [] : row.scopes.split(" "),
    version: row.version,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: fromIso(row.created_at),
    updatedAt: fromIso(row.updated_at),
  };
}

function encryptPair(keys: EncryptionKeys | undefined, participantId: number, backend: TrackerBackend, access: string, refresh: string | null | undefined) {
  if (typeof access !== "string" || access === "") {
    throw new DbError("INVALID_INPUT", "A tracker access token must be a non-empty string.", { table: "tracker_accounts" });
  }
  return {
    access_token: encryptToken(keys, access, trackerTokenAad("access_token", participantId, backend)),
    refresh_token: refresh ? encryptToken(keys, refresh, trackerTokenAad("refresh_token", participantId, backend)) : null,
  };
}

/**
 * Creates or replaces a participant's account for one backend after consent, resetting its
 * status to `active` and bumping its version.
 * @throws DbError KEY_MISSING, INVALID_INPUT, NOT_FOUND when the participant does not exist
 */
export async function saveTrackerAccount(db: Kysely<Database>, keys: EncryptionKeys | undefined, input: SaveTrackerAccountInput): Promise<TrackerAccount> {
  if (input.backend !== "google-health" && input.backend !== "fitbit-legacy") {
    throw new DbError("INVALID_INPUT", `Unknown tracker backend "${String(input.backend)}"; use google-health or fitbit-legacy.`, { table: "tracker_accounts" });
  }
  const at = toIso(input.now ?? new Date(), "now");
  const values = {
    ...encryptPair(keys, input.participantId, input.backend, input.accessToken, input.refreshToken),
    external_user_id: input.externalUserId ?? null,
    expires_at: toIso(input.expiresAt, "expiresAt"),
    scopes: input.scopes.join(" "),
    status: "active" as const,
    status_reason: null,
    updated_at: at,
  };
  return inTransaction(db, async (trx) => {
    const exists = await trx.selectFrom("participants").select("id").where("id", "=", input.participantId).executeTakeFirst();
    if (!exists) throw new DbError("NOT_FOUND", `No participant with id ${input.participantId}; create the participant first.`, { table: "participants" });
    const row = await trx
      .insertInto("tracker_accounts")
      .values({ participant_id: input.participantId, backend: input.backend, version: 1, created_at: at, ...values })
      .onConflict((oc) =>
        oc.columns(["participant_id", "backend"]).doUpdateSet((eb) => ({ ...values, version: eb("tracker_accounts.version", "+", 1) })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTrackerAccount(row);
  });
}

/** One tracker account by id, or null. */
export async function findTrackerAccountById(db: Kysely<Database>, accountId: number): Promise<TrackerAccount | null> {
  const row = await db.selectFrom("tracker_accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
  return row ? toTrackerAccount(row) : null;
}

/**
 * A participant's tracker account for `backend`; without one, the account to use: an `active`
 * one first (Google Health before legacy), then the most recently updated.
 */
export async function findTrackerAccount(db: Kysely<Database>, participantId: number, backend?: TrackerBackend): Promise<TrackerAccount | null> {
  const rows = await listTrackerAccounts(db, participantId);
  if (backend) return rows.find((r) => r.backend === backend) ?? null;
  const rank = (a: TrackerAccount) => (a.status === "active" ? 0 : 2) + (a.backend === "google-health" ? 0 : 1);
  return rows.sort((a, b) => rank(a) - rank(b) || b.updatedAt.getTime() - a.updatedAt.getTime())[0] ?? null;
}

/** All tracker accounts of a participant, by id. */
export async function listTrackerAccounts(db: Kysely<Database>, participantId: number): Promise<TrackerAccount[]> {
  const rows = await db.selectFrom("tracker_accounts").selectAll().where("participant_id", "=", participantId).orderBy("id").execute();
  return rows.map(toTrackerAccount);
}

// Every tracker write reads its account: fixed text (see _fixed-sql.ts).
const TRACKER_ACCOUNT_BY_ID = fixedSql("select * from tracker_accounts where id = ?");

/**
 * The decrypted tokens of an account, or null when there is no such account.
 * @throws DbError KEY_MISSING, KEY_MISMATCH, DECRYPT_FAILED
 */
export async function loadTrackerToken(db: Kysely<Database>, keys: EncryptionKeys | undefined, accountId: number): Promise<TrackerToken | null> {
  const [row] = await runFixed<TrackerAccountRow>(db, TRACKER_ACCOUNT_BY_ID, [accountId]);
  if (!row) return null;
  const account = toTrackerAccount(row);
  return {
    accessToken: decryptToken(keys, row.access_token, trackerTokenAad("access_token", row.participant_id, row.backend)),
    refreshToken: row.refresh_token === null ? null : decryptToken(keys, row.refresh_token, trackerTokenAad("refresh_token", row.participant_id, row.backend)),
    expiresAt: account.expiresAt,
    scopes: account.scopes,
    version: account.version,
  };
}

/**
 * Compare-and-swap: saves refreshed tokens only if the account's version still equals
 * `expectedVersion` (`UPDATE … WHERE version = expected`). Returns the saved tokens with the new
 * version, or null when another writer saved first (re-load and use theirs). A successful save
 * proves the grant alive, so in the same transaction it clears a `reauth-required` flag and
 * returns a participant parked in `needs-tracker-consent` to `active` (issue 16: a flag set by a
 * refresh race must not outlive the race).
 * @throws DbError KEY_MISSING, INVALID_INPUT, NOT_FOUND when the account does not exist
 */
export async function saveTrackerToken(db: Kysely<Database>, keys: EncryptionKeys | undefined, input: SaveTrackerTokenInput): Promise<TrackerToken | null> {
  const at = toIso(input.now ?? new Date(), "now");
  const owner = await db.selectFrom("tracker_accounts").select(["participant_id", "backend"]).where("id", "=", input.accountId).executeTakeFirst();
  if (!owner) throw new DbError("NOT_FOUND", `No tracker account with id ${input.accountId}.`, { table: "tracker_accounts" });
  const values = {
    ...encryptPair(keys, owner.participant_id, owner.backend, input.accessToken, input.refreshToken),
    expires_at: toIso(input.expiresAt, "expiresAt"),
    scopes: input.scopes.join(" "),
    version: input.expectedVersion + 1,
    updated_at: at,
  };
  const saved = await inTransaction(db, async (trx) => {
    const result = await trx.updateTable("tracker_accounts").set(values).where("id", "=", input.accountId).where("version", "=", input.expectedVersion).executeTakeFirst();
    if (count(result.numUpdatedRows) === 0) return false;
    const restored = await trx
      .updateTable("tracker_accounts")
      .set({ status: "active", status_reason: null })
      .where("id", "=", input.accountId)
      .where("status", "=", "reauth-required")
      .executeTakeFirst();
    if (count(restored.numUpdatedRows) > 0) {
      await trx
        .updateTable("participants")
        .set({ status: "active", updated_at: at })
        .where("id", "=", owner.participant_id)
        .where("status", "=", "needs-tracker-consent")
        .execute();
    }
    return true;
  });
  if (!saved) return null;
  return {
    accessToken: input.accessToken,
    refreshToken: input.refreshToken,
    expiresAt: new Date(input.expiresAt.getTime()),
    scopes: [...input.scopes],
    version: input.expectedVersion + 1,
  };
}

/**
 * Flags an account (`reauth-required` after invalid_grant, `api-gone` for retired legacy
 * accounts) or restores it to `active`. `reason` is our own words, cut to 200 characters.
 * @throws DbError NOT_FOUND
 */
export async function setTrackerAccountStatus(
  db: Kysely<Database>,
  input: { accountId: number; status: TrackerAccountStatus; reason?: string | null; now?: Date },
): Promise<void> {
  const result = await db
    .updateTable("tracker_accounts")
    .set({ status: input.status, status_reason: input.reason ? input.reason.slice(0, 200) : null, updated_at: toIso(input.now ?? new Date(), "now") })
    .where("id", "=", input.accountId)
    .executeTakeFirst();
  if (count(result.numUpdatedRows) === 0) {
    throw new DbError("NOT_FOUND", `No tracker account with id ${input.accountId}.`, { table: "tracker_accounts" });
  }
}
