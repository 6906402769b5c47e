import type { Kysely } from "kysely";
import { checkLocalDate, chunkRows } from "./_values.js";
import { toActivity, type Activity } from "./activities.js";
import { toDay, type Day } from "./days.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/** What a poll's selection reads in one go: the active participants (paused ones left out) and what it decides by. */
export interface PollSelection {
  /** Active participants, by id. */
  participants: { id: number; timeZone: string }[];
  /** The activities of the active participants. */
  activities: Activity[];
  /** Their day rows dated `fromDate` or later, plus every day still in state `pending`; each once, by participant then date. */
  days: Day[];
}

/** What `loadPollSelection` takes. */
export interface LoadPollSelectionInput {
  /** Earliest local date (`YYYY-MM-DD`) of the recent days to read. */
  fromDate: string;
}

/**
 * Reads what the poll selects from. Both day lookups use an index, whatever the study length:
 * recent days through the (participant_id, local_date) key, one range per active participant,
 * pending days through the (write_state, participant_id) index. (One `OR` of the two made
 * both engines scan the whole days table.)
 */
export async function loadPollSelection(db: Kysely<Database>, input: LoadPollSelectionInput): Promise<PollSelection> {
  const fromDate = checkLocalDate(input.fromDate, "fromDate");
  const participants = await db.selectFrom("participants").select(["id", "time_zone"]).where("status", "=", "active").where("paused_at", "is", null).orderBy("id").execute();
  const activities = await db
    .selectFrom("activities as a")
    .innerJoin("participants as p", "p.id", "a.participant_id")
    .selectAll("a")
    .where("p.status", "=", "active")
    .where("p.paused_at", "is", null)
    .orderBy("a.participant_id")
    .orderBy("a.id")
    .execute();
  const recent = await recentDaysQuery(db, fromDate).execute();
  const pending = await pendingDaysQuery(db).execute();
  const byId = new Map([...recent, ...pending].map((d) => [d.id, d]));
  const days = [...byId.values()].sort((a, b) => a.participant_id - b.participant_id || (a.local_date < b.local_date ? -1 : a.local_date > b.local_date ? 1 : 0));
  return { participants: participants.map((p) => ({ id: p.id, timeZone: p.time_zone })), activities: activities.map(toActivity), days: days.map(toDay) };
}

/** What `loadPollSelectionPage` takes: a keyset page (`afterId`, `limit`) or an explicit list of ids. */
export type LoadPollSelectionPageInput = LoadPollSelectionInput & ({ afterId: number; limit: number } | { ids: readonly number[] });

/**
 * One page of {@link loadPollSelection}: the active, unpaused participants with `id > afterId`
 * (the first `limit`, by id), or those among `ids`, with their activities and their recent and
 * pending days. Four indexed queries per page, so a poll holds one page, never the whole study.
 * `ids` is read in chunks, so any number may be given; a page is meant to be ~1,000.
 * @throws DbError INVALID_INPUT on a malformed `fromDate` or a non-positive `limit`
 */
export async function loadPollSelectionPage(db: Kysely<Database>, input: LoadPollSelectionPageInput): Promise<PollSelection> {
  const fromDate = checkLocalDate(input.fromDate, "fromDate");
  const active = db.selectFrom("participants").select(["id", "time_zone"]).where("status", "=", "active").where("paused_at", "is", null);
  let participants: { id: number; time_zone: string }[];
  if ("ids" in input) {
    participants = [];
    for (const chunk of chunkRows([...new Set(input.ids)], 1)) participants.push(...(await active.where("id", "in", chunk).execute()));
    participants.sort((a, b) => a.id - b.id);
  } else {
    if (!Number.isInteger(input.limit) || input.limit < 1) throw new DbError("INVALID_INPUT", `limit must be a positive whole number (got ${String(input.limit)}).`, { table: "participants" });
    participants = await active.where("id", ">", input.afterId).orderBy("id").limit(input.limit).execute();
  }
  const out: PollSelection = { participants: participants.map((p) => ({ id: p.id, timeZone: p.time_zone })), activities: [], days: [] };
  for (const ids of chunkRows(participants.map((p) => p.id), 1)) {
    const activities = await db.selectFrom("activities").selectAll().where("participant_id", "in", ids).orderBy("participant_id").orderBy("id").execute();
    // Both day lookups stay on an index: (participant_id, local_date) and (write_state, participant_id).
    const recent = await db.selectFrom("days").selectAll().where("participant_id", "in", ids).where("local_date", ">=", fromDate).execute();
    const pending = await db.selectFrom("days").selectAll().where("write_state", "=", "pending").where("participant_id", "in", ids).execute();
    const byId = new Map([...recent, ...pending].map((d) => [d.id, d]));
    const days = [...byId.values()].sort((a, b) => a.participant_id - b.participant_id || (a.local_date < b.local_date ? -1 : a.local_date > b.local_date ? 1 : 0));
    out.activities.push(...activities.map(toActivity));
    out.days.push(...days.map(toDay));
  }
  return out;
}

/** Active, unpaused participants' days from `fromDate` on. Exported for the query-plan test. */
export function recentDaysQuery(db: Kysely<Database>, fromDate: string) {
  return db
    .selectFrom("participants as p")
    .innerJoin("days as d", (join) => join.onRef("d.participant_id", "=", "p.id").on("d.local_date", ">=", fromDate))
    .selectAll("d")
    .where("p.status", "=", "active")
    .where("p.paused_at", "is", null);
}

/** Active, unpaused participants' days in state `pending`, whatever their date. Exported for the query-plan test. */
export function pendingDaysQuery(db: Kysely<Database>) {
  return db
    .selectFrom("days as d")
    .innerJoin("participants as p", "p.id", "d.participant_id")
    .selectAll("d")
    .where("d.write_state", "=", "pending")
    .where("p.status", "=", "active")
    .where("p.paused_at", "is", null);
}
