import type { Kysely } from "kysely";
import { count, inTransaction } from "./_db.js";
import { chunkRows, fromIso, fromIsoOrNull, toIso, toIsoOrNull } from "./_values.js";
import { DbError } from "./errors.js";
import type { ActivityRow } from "./schema/activities.js";
import type { Database } from "./schema/database.js";

/** A stored WEconnect activity. */
export interface Activity {
  id: number;
  participantId: number;
  weconnectActivityId: string;
  name: string;
  startsAt: Date;
  durationMinutes: number;
  repeat: string;
  repeatEndsAt: Date | null;
  modifiedAt: Date;
  weight: number;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One activity as WEconnect reports it (ids as text). */
export interface ActivityInput {
  weconnectActivityId: string;
  name: string;
  startsAt: Date;
  durationMinutes: number;
  repeat: string;
  repeatEndsAt: Date | null;
  modifiedAt: Date;
  /** Null = never expires. */
  expiresAt: Date | null;
  /** Only used when the activity is new; an existing weight is the participant's. @default 3 */
  weight?: number;
}

/** Row → `Activity`. */
export function toActivity(row: ActivityRow): Activity {
  return {
    id: row.id,
    participantId: row.participant_id,
    weconnectActivityId: row.weconnect_activity_id,
    name: row.name,
    startsAt: fromIso(row.starts_at),
    durationMinutes: row.duration_minutes,
    repeat: row.repeat,
    repeatEndsAt: fromIsoOrNull(row.repeat_ends_at),
    modifiedAt: fromIso(row.modified_at),
    weight: row.weight,
    expiresAt: fromIsoOrNull(row.expires_at),
    createdAt: fromIso(row.created_at),
    updatedAt: fromIso(row.updated_at),
  };
}

function checkWeight(weight: number): number {
  if (!Number.isInteger(weight) || weight < 1 || weight > 5) {
    throw new DbError("INVALID_INPUT", `An activity weight must be an integer from 1 to 5, got ${String(weight)}.`, { table: "activities" });
  }
  return weight;
}

/**
 * Inserts new activities and updates known ones (name, times, repeat, expiry; never the weight)
 * in one transaction, in chunks under the dialects' parameter limits.
 * @returns how many rows were written
 * @throws DbError INVALID_INPUT (the whole batch is refused; nothing is written)
 */
export async function upsertActivities(db: Kysely<Database>, participantId: number, activities: readonly ActivityInput[], now: Date = new Date()): Promise<number> {
  const at = toIso(now, "now");
  const rows = activities.map((a) => {
    if (typeof a.weconnectActivityId !== "string" || a.weconnectActivityId === "") {
      throw new DbError("INVALID_INPUT", "weconnectActivityId must be a non-empty string (convert WEconnect's number with String()).", { table: "activities" });
    }
    if (!Number.isInteger(a.durationMinutes) || a.durationMinutes < 0) {
      throw new DbError("INVALID_INPUT", `durationMinutes of activity ${a.weconnectActivityId} must be a non-negative integer.`, { table: "activities" });
    }
    return {
      participant_id: participantId,
      weconnect_activity_id: a.weconnectActivityId,
      name: a.name,
      starts_at: toIso(a.startsAt, "startsAt"),
      duration_minutes: a.durationMinutes,
      repeat: a.repeat,
      repeat_ends_at: toIsoOrNull(a.repeatEndsAt, "repeatEndsAt"),
      modified_at: toIso(a.modifiedAt, "modifiedAt"),
      weight: checkWeight(a.weight ?? 3),
      expires_at: toIsoOrNull(a.expiresAt, "expiresAt"),
      created_at: at,
      updated_at: at,
    };
  });
  if (rows.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    for (const chunk of chunkRows(rows, 13)) {
      await trx
        .insertInto("activities")
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(["participant_id", "weconnect_activity_id"]).doUpdateSet({
            name: (eb) => eb.ref("excluded.name"),
            starts_at: (eb) => eb.ref("excluded.starts_at"),
            duration_minutes: (eb) => eb.ref("excluded.duration_minutes"),
            repeat: (eb) => eb.ref("excluded.repeat"),
            repeat_ends_at: (eb) => eb.ref("excluded.repeat_ends_at"),
            modified_at: (eb) => eb.ref("excluded.modified_at"),
            expires_at: (eb) => eb.ref("excluded.expires_at"),
            updated_at: (eb) => eb.ref("excluded.updated_at"),
          }),
        )
        .execute();
    }
    return rows.length;
  });
}

/** A participant's activities, by WEconnect id. */
export async function listActivities(db: Kysely<Database>, participantId: number): Promise<Activity[]> {
  const rows = await db.selectFrom("activities").selectAll().where("participant_id", "=", participantId).orderBy("weconnect_activity_id").execute();
  return rows.map(toActivity);
}

/**
 * Sets the participant-chosen weight (1..5) of one activity.
 * @throws DbError INVALID_INPUT, NOT_FOUND
 */
export async function setActivityWeight(db: Kysely<Database>, input: { participantId: number; weconnectActivityId: string; weight: number; now?: Date }): Promise<void> {
  const result = await db
    .updateTable("activities")
    .set({ weight: checkWeight(input.weight), updated_at: toIso(input.now ?? new Date(), "now") })
    .where("participant_id", "=", input.participantId)
    .where("weconnect_activity_id", "=", input.weconnectActivityId)
    .executeTakeFirst();
  if (count(result.numUpdatedRows) === 0) {
    throw new DbError("NOT_FOUND", `Participant ${input.participantId} has no activity ${input.weconnectActivityId}.`, { table: "activities" });
  }
}

/**
 * Deletes activities (and, by cascade, their events) that expired before `expiredBefore`.
 * Pass a date well in the past (e.g. the start of enrollment's last week) so the events of days
 * still being shown keep their activity; `days` rows keep the computed history either way.
 * @returns how many activities were deleted
 */
export async function deleteExpiredActivities(db: Kysely<Database>, options: { expiredBefore: Date; participantId?: number }): Promise<number> {
  let query = db.deleteFrom("activities").where("expires_at", "is not", null).where("expires_at", "<", toIso(options.expiredBefore, "expiredBefore"));
  if (options.participantId !== undefined) query = query.where("participant_id", "=", options.participantId);
  const result = await query.executeTakeFirst();
  return count(result.numDeletedRows);
}

/** Deletes a participant's activities whose WEconnect ids are not in `keep` (deleted in WEconnect, docs/original-system.md#bug-13-change-detection-by-datemodified). Any number of ids. */
export async function deleteActivitiesNotIn(db: Kysely<Database>, participantId: number, keep: readonly string[]): Promise<number> {
  return inTransaction(db, async (trx) => {
    // The stored ids minus `keep`, then deleted by id: a NOT IN list cannot be chunked.
    const kept = new Set(keep);
    const stored = await trx.selectFrom("activities").select("weconnect_activity_id").where("participant_id", "=", participantId).execute();
    return deleteActivities(trx, participantId, stored.map((a) => a.weconnect_activity_id).filter((id) => !kept.has(id)));
  });
}

/** Deletes some of a participant's activities (and, by cascade, their events) by WEconnect id; any number of ids, chunked. */
export async function deleteActivities(db: Kysely<Database>, participantId: number, weconnectActivityIds: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const chunk of chunkRows([...new Set(weconnectActivityIds)], 1)) {
    const result = await db.deleteFrom("activities").where("participant_id", "=", participantId).where("weconnect_activity_id", "in", chunk).executeTakeFirst();
    deleted += count(result.numDeletedRows);
  }
  return deleted;
}
