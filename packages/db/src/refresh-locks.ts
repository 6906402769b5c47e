import type { Kysely } from "kysely";
import { count } from "./_db.js";
import { fromIso, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/** `tracker_refresh_locks`: one lease row per tracker account (migration 030). */
export interface TrackerRefreshLocksTable {
  account_id: number;
  /** The holder's id while held; null once released. */
  owner: string | null;
  /** The lease ends here; a holder that died is replaced after it. */
  until_at: string;
  /** Fingerprint (SHA-256, hex) of the refresh token a holder sent and has not yet committed the answer to. */
  in_flight_token: string | null;
  in_flight_at: string | null;
}

type WithLocks = Database & { tracker_refresh_locks: TrackerRefreshLocksTable };

/** A refresh that a holder started and never finished (it died between request and commit). */
export interface OrphanedRefresh {
  tokenFingerprint: string;
  startedAt: Date;
}

/** A claimed refresh lock. */
export interface RefreshLockClaim {
  untilAt: Date;
  /** Left by a holder that died mid-refresh, or null. */
  orphan: OrphanedRefresh | null;
}

/** Who claims or releases, and when. */
export interface RefreshLockInput {
  accountId: number;
  owner: string;
  /** @default new Date() */
  now?: Date;
}

const EPOCH = "1970-01-01T00:00:00.000Z";
const locks = (db: Kysely<Database>) => db.withTables<{ tracker_refresh_locks: TrackerRefreshLocksTable }>() as unknown as Kysely<WithLocks>;

/**
 * Claims the refresh lock of a tracker account for `leaseMs`: one upsert guarded by
 * `until_at <= now`, so two processes never both hold it, and no transaction stays open across
 * the token request (on SQLite that would block every writer for the request's duration).
 * Returns null while another owner holds it. A clean release clears the in-flight record, so one
 * found here was left by a holder that died after sending its refresh token.
 * @throws DbError INVALID_INPUT; a foreign-key error when the account does not exist
 */
export async function claimRefreshLock(db: Kysely<Database>, input: RefreshLockInput & { leaseMs: number }): Promise<RefreshLockClaim | null> {
  if (!input.owner || !(Number.isInteger(input.leaseMs) && input.leaseMs > 0)) {
    throw new DbError("INVALID_INPUT", "A refresh lock needs an owner id and a positive integer leaseMs.", { table: "tracker_refresh_locks" });
  }
  const now = input.now ?? new Date();
  const nowIso = toIso(now, "now");
  const untilIso = toIso(new Date(now.getTime() + input.leaseMs));
  const row = await locks(db)
    .insertInto("tracker_refresh_locks")
    .values({ account_id: input.accountId, owner: input.owner, until_at: untilIso, in_flight_token: null, in_flight_at: null })
    .onConflict((oc) =>
      oc
        .column("account_id")
        .doUpdateSet({ owner: input.owner, until_at: untilIso })
        .where("tracker_refresh_locks.until_at", "<=", nowIso),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row || row.owner !== input.owner) return null;
  const orphan = row.in_flight_token !== null && row.in_flight_at !== null ? { tokenFingerprint: row.in_flight_token, startedAt: fromIso(row.in_flight_at) } : null;
  return { untilAt: fromIso(row.until_at), orphan };
}

/**
 * Records, before the token request, which refresh token the holder is about to send. Returns
 * false when `owner` no longer holds the lock (its lease ran out); the caller must not send.
 */
export async function markRefreshInFlight(db: Kysely<Database>, input: RefreshLockInput & { tokenFingerprint: string }): Promise<boolean> {
  const at = toIso(input.now ?? new Date(), "now");
  const result = await locks(db)
    .updateTable("tracker_refresh_locks")
    .set({ in_flight_token: input.tokenFingerprint, in_flight_at: at })
    .where("account_id", "=", input.accountId)
    .where("owner", "=", input.owner)
    .executeTakeFirst();
  return count(result.numUpdatedRows) > 0;
}

/** Releases the lock and clears the in-flight record, if `owner` still holds it. */
export async function releaseRefreshLock(db: Kysely<Database>, input: RefreshLockInput): Promise<void> {
  await locks(db)
    .updateTable("tracker_refresh_locks")
    .set({ owner: null, until_at: EPOCH, in_flight_token: null, in_flight_at: null })
    .where("account_id", "=", input.accountId)
    .where("owner", "=", input.owner)
    .execute();
}

/**
 * Tracker accounts whose refresh lock expired with an in-flight record: a holder died between
 * sending a refresh token and saving the answer. Refresh these promptly (the token manager replays
 * the stored token), before the provider's replay window (Fitbit: 120 s) closes; oldest first.
 */
export async function listOrphanedRefreshes(db: Kysely<Database>, input: { now?: Date; limit?: number } = {}): Promise<Array<{ accountId: number } & OrphanedRefresh>> {
  const nowIso = toIso(input.now ?? new Date(), "now");
  const rows = await locks(db)
    .selectFrom("tracker_refresh_locks")
    .select(["account_id", "in_flight_token", "in_flight_at"])
    .where("until_at", "<=", nowIso)
    .where("in_flight_token", "is not", null)
    .orderBy("in_flight_at")
    .limit(input.limit ?? 1000)
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, tokenFingerprint: r.in_flight_token!, startedAt: fromIso(r.in_flight_at!) }));
}
