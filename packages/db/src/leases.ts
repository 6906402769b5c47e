import type { Kysely } from "kysely";
import { count } from "./_db.js";
import { chunkRows, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

const EPOCH = "1970-01-01T00:00:00.000Z";

function checkLease(job: string, owner: string, leaseMs?: number): void {
  if (!job || !owner) throw new DbError("INVALID_INPUT", "A lease needs a job name and an owner id.", { table: "leases" });
  if (leaseMs !== undefined && !(Number.isInteger(leaseMs) && leaseMs > 0)) {
    throw new DbError("INVALID_INPUT", "leaseMs must be a positive integer of milliseconds.", { table: "leases" });
  }
}

/** The leases of some participants for one job and owner. */
export interface LeaseBatchInput {
  participantIds: readonly number[];
  job: string;
  owner: string;
}

/**
 * Claims the given participants for `job`: each one whose lease is free (`until` passed, or no
 * row yet) becomes this owner's until now + `leaseMs`. One guarded upsert per chunk, so two
 * replicas claiming the same ids at once split them and never both win one.
 *
 * `freeBy` (≤ now) narrows "free" to leases whose `until` had passed by then. A scheduler passes
 * the start of its run (and no later than its cycle's end): a lease released as "done this
 * cycle" holds until the cycle's end, so a run still claiming after that moment (it overran, or
 * started late under load) would otherwise take participants another replica already did in the
 * same cycle.
 * @returns the ids claimed.
 * @throws DbError INVALID_INPUT
 */
export async function claimLeases(db: Kysely<Database>, input: LeaseBatchInput & { leaseMs: number; now?: Date; freeBy?: Date }): Promise<number[]> {
  checkLease(input.job, input.owner, input.leaseMs);
  const now = input.now ?? new Date();
  const nowIso = toIso(now, "now");
  const untilIso = toIso(new Date(now.getTime() + input.leaseMs));
  const freeByIso = input.freeBy !== undefined && input.freeBy.getTime() < now.getTime() ? toIso(input.freeBy, "freeBy") : nowIso;
  const claimed: number[] = [];
  // Ascending ids: two claimers upserting the same rows in different orders can deadlock on PostgreSQL.
  const ids = [...new Set(input.participantIds)].sort((a, b) => a - b);
  for (const chunk of chunkRows(ids, 5)) claimed.push(...(await upsertLeases(db, chunk, { ...input, nowIso, untilIso, freeByIso })));
  return claimed;
}

/**
 * Extends the leases this owner still holds to now + `leaseMs`. Returns how many it extended; an
 * expired or taken-over one is not: stop working on that participant.
 * @throws DbError INVALID_INPUT
 */
export async function renewLeases(db: Kysely<Database>, input: LeaseBatchInput & { leaseMs: number; now?: Date }): Promise<number> {
  checkLease(input.job, input.owner, input.leaseMs);
  const now = input.now ?? new Date();
  let renewed = 0;
  for (const chunk of chunkRows([...new Set(input.participantIds)], 1)) {
    const result = await db
      .updateTable("leases")
      .set({ until_at: toIso(new Date(now.getTime() + input.leaseMs)) })
      .where("participant_id", "in", chunk)
      .where("job", "=", input.job)
      .where("owner", "=", input.owner)
      .where("until_at", ">", toIso(now, "now"))
      .executeTakeFirst();
    renewed += count(result.numUpdatedRows);
  }
  return renewed;
}

/**
 * Gives leases back. The participants become due again at `nextDueAt` (default: at once), which
 * is how a scheduler keeps a finished participant from being run twice in one cycle. Returns how
 * many this owner still held.
 * @throws DbError INVALID_INPUT
 */
export async function releaseLeases(db: Kysely<Database>, input: LeaseBatchInput & { nextDueAt?: Date }): Promise<number> {
  checkLease(input.job, input.owner);
  let released = 0;
  for (const chunk of chunkRows([...new Set(input.participantIds)], 1)) {
    const result = await db
      .updateTable("leases")
      .set({ owner: null, until_at: input.nextDueAt ? toIso(input.nextDueAt, "nextDueAt") : EPOCH })
      .where("participant_id", "in", chunk)
      .where("job", "=", input.job)
      .where("owner", "=", input.owner)
      .executeTakeFirst();
    released += count(result.numUpdatedRows);
  }
  return released;
}

/** The guarded upsert every claim goes through: only a free lease (`until_at <= freeBy`, at the latest now) changes hands. */
async function upsertLeases(db: Kysely<Database>, ids: readonly number[], lease: { job: string; owner: string; nowIso: string; untilIso: string; freeByIso: string }): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .insertInto("leases")
    .values(ids.map((id) => ({ participant_id: id, job: lease.job, owner: lease.owner, until_at: lease.untilIso, claimed_at: lease.nowIso })))
    .onConflict((oc) =>
      oc
        .columns(["participant_id", "job"])
        .doUpdateSet({ owner: lease.owner, until_at: lease.untilIso, claimed_at: lease.nowIso })
        // A released lease keeps `until_at` at the participant's next due time, so a replica
        // starting late in the same cycle cannot take it again.
        .where("leases.until_at", "<=", lease.freeByIso),
    )
    .returning("participant_id")
    .execute();
  return rows.map((r) => r.participant_id);
}
