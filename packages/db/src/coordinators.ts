import type { Generated, Kysely } from "kysely";
import { count, inTransaction, isUniqueViolation } from "./_db.js";
import { dialectOf } from "./_dialect.js";
import { fromIso, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/** What a coordinator may do on the dashboard: `viewer` sees everything and changes nothing. */
export type CoordinatorRole = "admin" | "viewer";

/** `coordinators`: a study-team account of the dashboard; `password_hash` holds its own salt and parameters. */
export interface CoordinatorsTable {
  id: Generated<number>;
  email: string;
  role: CoordinatorRole;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

/** The tables this module and `coordinator-sessions.ts` add to `Database`. */
export type CoordinatorTables = {
  coordinators: CoordinatorsTable;
  coordinator_sessions: CoordinatorSessionsTable;
  signin_failures: SigninFailuresTable;
};

/** `coordinator_sessions`: one signed-in browser; only the SHA-256 of its token is kept. */
export interface CoordinatorSessionsTable {
  id: Generated<number>;
  coordinator_id: number;
  token_hash: string;
  address: string | null;
  created_at: string;
  last_seen_at: string;
  /** The absolute end of the session, fixed at sign-in. */
  expires_at: string;
  /** Set on sign-out, removal or password reset. */
  ended_at: string | null;
}

/** `signin_failures`: a window of failed sign-ins per key (`account:<email>`, `address:<ip>`). */
export interface SigninFailuresTable {
  key: string;
  window_started_at: string;
  failure_count: number;
}

/** A coordinator account. */
export interface Coordinator {
  id: number;
  email: string;
  role: CoordinatorRole;
  /** The stored scrypt hash with its salt and parameters (never the password). */
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const tables = (db: Kysely<Database>) => db.withTables<CoordinatorTables>();
const ROLES: readonly CoordinatorRole[] = ["admin", "viewer"];

type Row = { id: number; email: string; role: CoordinatorRole; password_hash: string; created_at: string; updated_at: string };
const toCoordinator = (row: Row): Coordinator => ({
  id: row.id,
  email: row.email,
  role: row.role,
  passwordHash: row.password_hash,
  createdAt: fromIso(row.created_at),
  updatedAt: fromIso(row.updated_at),
});

/**
 * Stores a new coordinator. The e-mail is kept as given; callers normalise it (lower case).
 * @throws DbError CONFLICT when the e-mail is taken, INVALID_INPUT for an unknown role
 */
export async function createCoordinator(db: Kysely<Database>, input: { email: string; role: CoordinatorRole; passwordHash: string; now?: Date }): Promise<Coordinator> {
  if (!ROLES.includes(input.role)) throw new DbError("INVALID_INPUT", `Unknown role "${String(input.role)}"; use admin or viewer.`, { table: "coordinators" });
  const at = toIso(input.now ?? new Date(), "now");
  try {
    const row = await tables(db)
      .insertInto("coordinators")
      .values({ email: input.email, role: input.role, password_hash: input.passwordHash, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCoordinator(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DbError("CONFLICT", `A coordinator with e-mail ${input.email} exists.`, { table: "coordinators" });
    throw error;
  }
}

/** The coordinator with this e-mail, or null. */
export async function findCoordinatorByEmail(db: Kysely<Database>, email: string): Promise<Coordinator | null> {
  const row = await tables(db).selectFrom("coordinators").selectAll().where("email", "=", email).executeTakeFirst();
  return row ? toCoordinator(row) : null;
}

/** Every coordinator, by e-mail. */
export async function listCoordinatorRecords(db: Kysely<Database>): Promise<Coordinator[]> {
  return (await tables(db).selectFrom("coordinators").selectAll().orderBy("email").execute()).map(toCoordinator);
}

/** Deletes a coordinator (their sessions go with them); false when there was none. */
export async function deleteCoordinator(db: Kysely<Database>, email: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await tables(trx).selectFrom("coordinators").select("id").where("email", "=", email).executeTakeFirst();
    if (!row) return false;
    // Explicitly, not by cascade alone: SQLite enforces ON DELETE only with foreign_keys on.
    await tables(trx).deleteFrom("coordinator_sessions").where("coordinator_id", "=", row.id).execute();
    await tables(trx).deleteFrom("coordinators").where("id", "=", row.id).execute();
    return true;
  });
}

/** Replaces a coordinator's password hash and ends every session they have; false when there is no such coordinator. */
export async function setCoordinatorPasswordHash(db: Kysely<Database>, input: { email: string; passwordHash: string; now?: Date }): Promise<boolean> {
  const at = toIso(input.now ?? new Date(), "now");
  return inTransaction(db, async (trx) => {
    const row = await tables(trx).updateTable("coordinators").set({ password_hash: input.passwordHash, updated_at: at }).where("email", "=", input.email).returning("id").executeTakeFirst();
    if (!row) return false;
    await tables(trx).updateTable("coordinator_sessions").set({ ended_at: at }).where("coordinator_id", "=", row.id).where("ended_at", "is", null).execute();
    return true;
  });
}

/** A live or ended session, without its token. */
export interface CoordinatorSession {
  id: number;
  coordinatorId: number;
  tokenHash: string;
  address: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
}

type SessionRow = { id: number; coordinator_id: number; token_hash: string; address: string | null; created_at: string; last_seen_at: string; expires_at: string; ended_at: string | null };
const toSession = (row: SessionRow): CoordinatorSession => ({
  id: row.id,
  coordinatorId: row.coordinator_id,
  tokenHash: row.token_hash,
  address: row.address,
  createdAt: fromIso(row.created_at),
  lastSeenAt: fromIso(row.last_seen_at),
  expiresAt: fromIso(row.expires_at),
  endedAt: row.ended_at === null ? null : fromIso(row.ended_at),
});

/** Stores a new session for a coordinator. */
export async function createCoordinatorSession(
  db: Kysely<Database>,
  input: { coordinatorId: number; tokenHash: string; address: string | null; expiresAt: Date; now: Date },
): Promise<CoordinatorSession> {
  const at = toIso(input.now, "now");
  const row = await tables(db)
    .insertInto("coordinator_sessions")
    .values({ coordinator_id: input.coordinatorId, token_hash: input.tokenHash, address: input.address, created_at: at, last_seen_at: at, expires_at: toIso(input.expiresAt, "expiresAt") })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSession(row);
}

/** The session whose token hashes to `tokenHash` and its coordinator, or null. */
export async function findCoordinatorSession(db: Kysely<Database>, tokenHash: string): Promise<{ session: CoordinatorSession; coordinator: Coordinator } | null> {
  const row = await tables(db)
    .selectFrom("coordinator_sessions as s")
    .innerJoin("coordinators as c", "c.id", "s.coordinator_id")
    .select(["s.id", "s.coordinator_id", "s.token_hash", "s.address", "s.created_at", "s.last_seen_at", "s.expires_at", "s.ended_at"])
    .select(["c.email", "c.role", "c.password_hash", "c.created_at as c_created_at", "c.updated_at as c_updated_at"])
    .where("s.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  return {
    session: toSession(row),
    coordinator: toCoordinator({ id: row.coordinator_id, email: row.email, role: row.role, password_hash: row.password_hash, created_at: row.c_created_at, updated_at: row.c_updated_at }),
  };
}

/** Moves a session's last-seen time forward. */
export async function touchCoordinatorSession(db: Kysely<Database>, sessionId: number, now: Date): Promise<void> {
  await tables(db).updateTable("coordinator_sessions").set({ last_seen_at: toIso(now, "now") }).where("id", "=", sessionId).execute();
}

/** Ends one session (sign-out); returns how many ended (0 or 1). */
export async function endCoordinatorSession(db: Kysely<Database>, tokenHash: string, now: Date): Promise<number> {
  const result = await tables(db).updateTable("coordinator_sessions").set({ ended_at: toIso(now, "now") }).where("token_hash", "=", tokenHash).where("ended_at", "is", null).executeTakeFirst();
  return count(result.numUpdatedRows);
}

/** Where a key's failure window stands. */
export interface SigninFailureWindow {
  failures: number;
  /** When the window ends; null when no window is open. */
  windowEndsAt: Date | null;
}

/** The open failure window of a key (`account:…`, `address:…`), or none. */
export async function readSigninFailures(db: Kysely<Database>, key: string, input: { windowMs: number; now: Date }): Promise<SigninFailureWindow> {
  const row = await tables(db).selectFrom("signin_failures").selectAll().where("key", "=", key).executeTakeFirst();
  if (!row) return { failures: 0, windowEndsAt: null };
  const endsAt = new Date(fromIso(row.window_started_at).getTime() + input.windowMs);
  return endsAt.getTime() <= input.now.getTime() ? { failures: 0, windowEndsAt: null } : { failures: row.failure_count, windowEndsAt: endsAt };
}

/**
 * Counts one failed sign-in against each key, starting a new window for a key whose window ended.
 * One transaction, rows locked on PostgreSQL, so replicas add to one count.
 */
export async function recordSigninFailure(db: Kysely<Database>, keys: readonly string[], input: { windowMs: number; now: Date }): Promise<void> {
  if (!(input.windowMs > 0)) throw new DbError("INVALID_INPUT", "windowMs must be positive.", { table: "signin_failures" });
  const at = toIso(input.now, "now");
  await inTransaction(db, async (trx) => {
    for (const key of keys) {
      await tables(trx).insertInto("signin_failures").values({ key, window_started_at: at, failure_count: 0 }).onConflict((oc) => oc.column("key").doNothing()).execute();
      let query = tables(trx).selectFrom("signin_failures").selectAll().where("key", "=", key);
      if (dialectOf(trx) === "postgres") query = query.forUpdate();
      const row = await query.executeTakeFirstOrThrow();
      const fresh = input.now.getTime() - fromIso(row.window_started_at).getTime() >= input.windowMs;
      await tables(trx)
        .updateTable("signin_failures")
        .set(fresh ? { window_started_at: at, failure_count: 1 } : { failure_count: row.failure_count + 1 })
        .where("key", "=", key)
        .execute();
    }
  });
}

/** Forgets the failures of a key (after a successful sign-in of that account). */
export async function clearSigninFailures(db: Kysely<Database>, key: string): Promise<void> {
  await tables(db).deleteFrom("signin_failures").where("key", "=", key).execute();
}
