import type { Kysely } from "kysely";
import { inTransaction } from "./_db.js";
import { dialectOf } from "./_dialect.js";
import { fixedSql, runFixed } from "./_fixed-sql.js";
import { checkLocalDate, chunkRows, fromIso, toFlag, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/** One occurrence with what progress needs from its activity. */
export interface EventWithActivity {
  id: number;
  participantId: number;
  activityId: number;
  weconnectActivityId: string;
  activityName: string;
  /** The activity's weight 1..5. */
  weight: number;
  occurrenceId: string;
  localDate: string;
  startsAt: Date;
  endsAt: Date;
  checkedIn: boolean;
  updatedAt: Date;
}

/** One occurrence as WEconnect reports it. */
export interface EventInput {
  /** WEconnect `eid`, as text. */
  occurrenceId: string;
  /** Parent activity; it must have been upserted for this participant first. */
  weconnectActivityId: string;
  /** Participant-local date `YYYY-MM-DD` the occurrence belongs to. */
  localDate: string;
  startsAt: Date;
  endsAt: Date;
  /** WEconnect's current value, written as is (an un-check-in sets it back to false, docs/original-system.md#bug-4-zero-never-written). */
  checkedIn: boolean;
}

/**
 * Inserts or updates occurrences (times, date, check-in) in one transaction, chunked.
 * @returns how many rows were written
 * @throws DbError INVALID_INPUT, e.g. an event whose activity is unknown (nothing is written)
 */
export async function upsertEvents(db: Kysely<Database>, participantId: number, events: readonly EventInput[], now: Date = new Date()): Promise<number> {
  if (events.length === 0) return 0;
  const at = toIso(now, "now");
  if (events.length <= FEW_EVENTS && dialectOf(db) === "sqlite") return upsertFewEvents(db, participantId, events, at);
  return inTransaction(db, async (trx) => {
    const wanted = [...new Set(events.map((e) => e.weconnectActivityId))];
    const activityIds = new Map<string, number>();
    for (const chunk of chunkRows(wanted, 1)) {
      const found = await trx
        .selectFrom("activities")
        .select(["id", "weconnect_activity_id"])
        .where("participant_id", "=", participantId)
        .where("weconnect_activity_id", "in", chunk)
        .execute();
      for (const a of found) activityIds.set(a.weconnect_activity_id, a.id);
    }
    const rows = events.map((e) => {
      const activityId = activityIds.get(e.weconnectActivityId);
      if (activityId === undefined) {
        throw new DbError("INVALID_INPUT", `Event ${String(e.occurrenceId)} belongs to activity ${String(e.weconnectActivityId)}, which participant ${participantId} does not have. Upsert the activities first.`, { table: "events" });
      }
      if (typeof e.occurrenceId !== "string" || e.occurrenceId === "") {
        throw new DbError("INVALID_INPUT", "occurrenceId must be a non-empty string.", { table: "events" });
      }
      return {
        participant_id: participantId,
        activity_id: activityId,
        occurrence_id: e.occurrenceId,
        local_date: checkLocalDate(e.localDate),
        starts_at: toIso(e.startsAt, "startsAt"),
        ends_at: toIso(e.endsAt, "endsAt"),
        checked_in: toFlag(e.checkedIn),
        updated_at: at,
      };
    });
    for (const chunk of chunkRows(rows, 8)) {
      await trx
        .insertInto("events")
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(["activity_id", "occurrence_id"]).doUpdateSet({
            local_date: (eb) => eb.ref("excluded.local_date"),
            starts_at: (eb) => eb.ref("excluded.starts_at"),
            ends_at: (eb) => eb.ref("excluded.ends_at"),
            checked_in: (eb) => eb.ref("excluded.checked_in"),
            updated_at: (eb) => eb.ref("excluded.updated_at"),
          }),
        )
        .execute();
    }
    return rows.length;
  });
}

/** A poll's day holds a few events: up to this many go one fixed statement each on SQLite. */
const FEW_EVENTS = 16;

// Looks the activity up and upserts the event in one statement. The WHERE clause is required:
// it keeps SQLite from reading ON CONFLICT as a join's ON (sqlite.org/lang_upsert.html, parsing ambiguity).
const UPSERT_EVENT = fixedSql(`insert into events (participant_id, activity_id, occurrence_id, local_date, starts_at, ends_at, checked_in, updated_at)
  select ?, a.id, ?, ?, ?, ?, ?, ? from activities a where a.participant_id = ? and a.weconnect_activity_id = ?
  on conflict (activity_id, occurrence_id) do update set local_date = excluded.local_date, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
  checked_in = excluded.checked_in, updated_at = excluded.updated_at returning id`);

/**
 * The poll's few events on SQLite: one fixed statement per event (prepared once, see
 * _fixed-sql.ts) instead of building a lookup and an insert, in one transaction: an unknown
 * activity rolls every one back, as in the general path.
 */
function upsertFewEvents(db: Kysely<Database>, participantId: number, events: readonly EventInput[], at: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    for (const e of events) {
      if (typeof e.occurrenceId !== "string" || e.occurrenceId === "") {
        throw new DbError("INVALID_INPUT", "occurrenceId must be a non-empty string.", { table: "events" });
      }
      const params = [participantId, e.occurrenceId, checkLocalDate(e.localDate), toIso(e.startsAt, "startsAt"), toIso(e.endsAt, "endsAt"), toFlag(e.checkedIn), at, participantId, e.weconnectActivityId];
      const written = await runFixed<{ id: number }>(trx, UPSERT_EVENT, params);
      if (written.length === 0) {
        throw new DbError("INVALID_INPUT", `Event ${String(e.occurrenceId)} belongs to activity ${String(e.weconnectActivityId)}, which participant ${participantId} does not have. Upsert the activities first.`, { table: "events" });
      }
    }
    return events.length;
  });
}

/** Filter for `listEvents`: one participant, one local date or an inclusive range. */
export interface ListEventsFilter {
  participantId: number;
  /** One date; or use `from`/`to`. */
  localDate?: string;
  from?: string;
  to?: string;
}

/** A participant's occurrences on a date (or range), by start, with activity name and weight. */
export async function listEvents(db: Kysely<Database>, filter: ListEventsFilter): Promise<EventWithActivity[]> {
  let query = db
    .selectFrom("events as e")
    .innerJoin("activities as a", "a.id", "e.activity_id")
    .select([
      "e.id",
      "e.participant_id",
      "e.activity_id",
      "a.weconnect_activity_id",
      "a.name",
      "a.weight",
      "e.occurrence_id",
      "e.local_date",
      "e.starts_at",
      "e.ends_at",
      "e.checked_in",
      "e.updated_at",
    ])
    .where("e.participant_id", "=", filter.participantId)
    .orderBy("e.starts_at")
    .orderBy("e.id");
  if (filter.localDate !== undefined) query = query.where("e.local_date", "=", checkLocalDate(filter.localDate));
  if (filter.from !== undefined) query = query.where("e.local_date", ">=", checkLocalDate(filter.from, "from"));
  if (filter.to !== undefined) query = query.where("e.local_date", "<=", checkLocalDate(filter.to, "to"));
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    participantId: r.participant_id,
    activityId: r.activity_id,
    weconnectActivityId: r.weconnect_activity_id,
    activityName: r.name,
    weight: r.weight,
    occurrenceId: r.occurrence_id,
    localDate: r.local_date,
    startsAt: fromIso(r.starts_at),
    endsAt: fromIso(r.ends_at),
    checkedIn: r.checked_in === 1,
    updatedAt: fromIso(r.updated_at),
  }));
}

/** One participant's local date, for {@link sumCheckedInWeights}. */
export interface ParticipantDate {
  participantId: number;
  localDate: string;
}

/**
 * Σ activity weights of the checked-in events stored for each (participant, local date), for a
 * page of participants in one query per chunk (charge's carry-over of yesterday's points).
 * @returns the sums keyed by participant id; a participant with nothing checked in maps to 0.
 * @throws DbError INVALID_INPUT on a malformed date
 */
export async function sumCheckedInWeights(db: Kysely<Database>, items: readonly ParticipantDate[]): Promise<Map<number, number>> {
  const wanted = new Map<number, string>();
  for (const item of items) wanted.set(item.participantId, checkLocalDate(item.localDate));
  const sums = new Map<number, number>([...wanted.keys()].map((id) => [id, 0]));
  const dates = [...new Set(wanted.values())];
  for (const ids of chunkRows([...wanted.keys()], 1)) {
    const rows = await db
      .selectFrom("events as e")
      .innerJoin("activities as a", "a.id", "e.activity_id")
      .select(["e.participant_id", "e.local_date", (eb) => eb.fn.sum<number | string>("a.weight").as("points")])
      .where("e.participant_id", "in", ids)
      .where("e.local_date", "in", dates)
      .where("e.checked_in", "=", 1)
      .groupBy(["e.participant_id", "e.local_date"])
      .execute();
    // A page mixes time zones, so several dates are read; keep each participant's own.
    for (const r of rows) if (wanted.get(r.participant_id) === r.local_date) sums.set(r.participant_id, Number(r.points));
  }
  return sums;
}

/** A stored occurrence as the poll compares it with WEconnect's. */
export interface StoredOccurrence {
  occurrenceId: string;
  weconnectActivityId: string;
  startsAt: Date;
  endsAt: Date;
  checkedIn: boolean;
}

/**
 * The stored events of each (participant, local date), for a page of participants in one query
 * per chunk: the poll compares them with WEconnect's to skip saving a day that did not change.
 * @returns the events keyed by participant id (an empty list when none)
 * @throws DbError INVALID_INPUT on a malformed date
 */
export async function listEventsOn(db: Kysely<Database>, items: readonly ParticipantDate[]): Promise<Map<number, StoredOccurrence[]>> {
  const wanted = new Map<number, string>();
  for (const item of items) wanted.set(item.participantId, checkLocalDate(item.localDate));
  const out = new Map<number, StoredOccurrence[]>([...wanted.keys()].map((id) => [id, []]));
  const dates = [...new Set(wanted.values())];
  for (const ids of chunkRows([...wanted.keys()], 1)) {
    const rows = await db
      .selectFrom("events as e")
      .innerJoin("activities as a", "a.id", "e.activity_id")
      .select(["e.participant_id", "e.local_date", "e.occurrence_id", "a.weconnect_activity_id", "e.starts_at", "e.ends_at", "e.checked_in"])
      .where("e.participant_id", "in", ids)
      .where("e.local_date", "in", dates)
      .execute();
    for (const r of rows) {
      if (wanted.get(r.participant_id) !== r.local_date) continue;
      out.get(r.participant_id)?.push({ occurrenceId: r.occurrence_id, weconnectActivityId: r.weconnect_activity_id, startsAt: fromIso(r.starts_at), endsAt: fromIso(r.ends_at), checkedIn: r.checked_in === 1 });
    }
  }
  return out;
}
