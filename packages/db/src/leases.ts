import { sql, type Kysely } from "kysely";
import { dialectOf } from "./_dialect.js";
import { count, inTransaction } from "./_db.js";
import { toIso } from "./_values.js";
import { DbError } from "./errors.js";
import { toParticipant, type Participant } from "./participants.js";
import type { Database } from "./schema/database.js";
import type { ParticipantStatus } from "./schema/participants.js";

/** What `claimDueParticipants` takes. */
export interface ClaimDueParticipantsInput {
  /** Job name, e.g. `poll` or `maintenance`; leases of different jobs are independent. */
  job: string;
  /** This replica's id. */
  owner: string;
  /** How long the claim holds, in milliseconds; renew it for long work. */
  leaseMs: number;
  /** At most this many participants. */
  limit: number;
  /** @default ["active"] */
  statuses?: readonly ParticipantStatus[];
  /** @default new Date() */
  now?: Date;
}

const EPOCH = "1970-01-01T00:00:00.000Z";

function checkLease(job: string, owner: string, leaseMs?: number): void {
  if (!job || !owner) throw new DbError("INVALID_INPUT", "A lease needs a job name and an owner id.", { table: "leases" });
  if (leaseMs !== undefined && !(Number.isInteger(leaseMs) && leaseMs > 0)) {
    throw new DbError("INVALID_INPUT", "leaseMs must be a positive integer of milliseconds.", { table: "leases" });
  }
}

/**
 * Claims up to `limit` participants that are due for `job` (no lease row, or its `until` has
 * passed), never-run and longest-waiting first, and returns them. On PostgreSQL the candidate
 * rows are locked `FOR UPDATE SKIP LOCKED`, so concurrent replicas claim disjoint sets without
 * waiting; on SQLite the write lock serialises claimers. Either way the claim itself is an upsert
 * guarded by `until_at <= now`, so a participant is never held by two owners.
 * @throws DbError INVALID_INPUT
 */
export async function claimDueParticipants(db: Kysely<Database>, input: ClaimDueParticipantsInput): Promise<Participant[]> {
  checkLease(input.job, input.owner, input.leaseMs);
  const statuses = [...(input.statuses ?? ["active"])];
  if (input.limit <= 0 || statuses.length === 0) return [];
  const now = input.now ?? new Date();
  const nowIso = toIso(now, "now");
  const untilIso = toIso(new Date(now.getTime() + input.leaseMs));
  return inTransaction(db, async (trx) => {
    let candidates = trx
      .selectFrom("participants as p")
      .leftJoin("leases as l", (join) => join.onRef("l.participant_id", "=", "p.id").on("l.job", "=", input.job))
      .select("p.id")
      .where("p.status", "in", statuses)
      .where((eb) => eb.or([eb("l.until_at", "is", null), eb("l.until_at", "<=", nowIso)]))
      .orderBy(sql`coalesce(l.until_at, '')`)
      .orderBy("p.id")
      .limit(input.limit);
    if (dialectOf(trx) === "postgres") candidates = candidates.forUpdate(["p"]).skipLocked();
    const ids = (await candidates.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    const claimed = await trx
      .insertInto("leases")
      .values(ids.map((id) => ({ participant_id: id, job: input.job, owner: input.owner, until_at: untilIso, claimed_at: nowIso })))
      .onConflict((oc) =>
        oc
          .columns(["participant_id", "job"])
          .doUpdateSet({ owner: input.owner, until_at: untilIso, claimed_at: nowIso })
          .where("leases.until_at", "<=", nowIso),
      )
      .returning("participant_id")
      .execute();
    if (claimed.length === 0) return [];
    const rows = await trx.selectFrom("participants").selectAll().where("id", "in", claimed.map((c) => c.participant_id)).orderBy("id").execute();
    return rows.map(toParticipant);
  });
}

/**
 * Extends a lease this owner still holds. Returns false when it expired or was taken over:
 * stop working on that participant.
 */
export async function renewLease(db: Kysely<Database>, input: { participantId: number; job: string; owner: string; leaseMs: number; now?: Date }): Promise<boolean> {
  checkLease(input.job, input.owner, input.leaseMs);
  const now = input.now ?? new Date();
  const result = await db
    .updateTable("leases")
    .set({ until_at: toIso(new Date(now.getTime() + input.leaseMs)) })
    .where("participant_id", "=", input.participantId)
    .where("job", "=", input.job)
    .where("owner", "=", input.owner)
    .where("until_at", ">", toIso(now, "now"))
    .executeTakeFirst();
  return count(result.numUpdatedRows) === 1;
}

/**
 * Gives a lease back. The participant becomes due again at `nextDueAt` (default: at once), which
 * is how a scheduler spaces runs. Returns false when this owner no longer held it.
 */
export async function releaseLease(db: Kysely<Database>, input: { participantId: number; job: string; owner: string; nextDueAt?: Date }): Promise<boolean> {
  checkLease(input.job, input.owner);
  const result = await db
    .updateTable("leases")
    .set({ owner: null, until_at: input.nextDueAt ? toIso(input.nextDueAt, "nextDueAt") : EPOCH })
    .where("participant_id", "=", input.participantId)
    .where("job", "=", input.job)
    .where("owner", "=", input.owner)
    .executeTakeFirst();
  return count(result.numUpdatedRows) === 1;
}
