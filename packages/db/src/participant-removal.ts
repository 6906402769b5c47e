import type { Kysely } from "kysely";
import { inTransaction } from "./_db.js";
import { toIso, truncate } from "./_values.js";
import { appendAudit } from "./audit-log.js";
import { DbError } from "./errors.js";
import { toParticipant, type Participant } from "./participants.js";
import type { Database } from "./schema/database.js";

/** What `removeParticipant` takes. */
export interface RemoveParticipantInput {
  participantId: number;
  /** Why, for the audit row (e.g. "incomplete sign-up older than 48 h"). */
  reason: string;
  /** @default new Date() */
  now?: Date;
}

/**
 * Deletes a participant and, by ON DELETE CASCADE, their accounts, activities, events, days,
 * errors and leases, and appends a `participant-removed` audit row, all in one transaction.
 * Earlier audit rows stay (the log is append-only).
 * @throws DbError NOT_FOUND
 */
export async function removeParticipant(db: Kysely<Database>, input: RemoveParticipantInput): Promise<Participant> {
  const at = input.now ?? new Date();
  return inTransaction(db, async (trx) => {
    const row = await trx.deleteFrom("participants").where("id", "=", input.participantId).returningAll().executeTakeFirst();
    if (!row) throw new DbError("NOT_FOUND", `No participant with id ${input.participantId} to remove.`, { table: "participants" });
    await appendAudit(trx, {
      at,
      participantId: row.id,
      participantName: row.name,
      action: "participant-removed",
      outcome: "ok",
      detail: truncate(input.reason, 1_000),
    });
    return toParticipant(row);
  });
}

/**
 * Participants created before `olderThan` that still lack a WEconnect account or any tracker
 * account: maintenance removes these, but only after a grace period, so nobody half-way
 * through sign-up is deleted (the original deleted them hourly, docs/original-system.md#bug-17-half-enrolled-users-deleted).
 */
export async function listIncompleteParticipants(db: Kysely<Database>, options: { olderThan: Date }): Promise<Participant[]> {
  const rows = await db
    .selectFrom("participants as p")
    .selectAll("p")
    .where("p.created_at", "<", toIso(options.olderThan, "olderThan"))
    .where((eb) =>
      eb.or([
        eb.not(eb.exists(eb.selectFrom("weconnect_accounts as w").select("w.id").whereRef("w.participant_id", "=", "p.id"))),
        eb.not(eb.exists(eb.selectFrom("tracker_accounts as t").select("t.id").whereRef("t.participant_id", "=", "p.id"))),
      ]),
    )
    .orderBy("p.id")
    .execute();
  return rows.map(toParticipant);
}
