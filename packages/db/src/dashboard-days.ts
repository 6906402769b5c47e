import { sql, type Kysely } from "kysely";
import { checkLocalDate, toIso } from "./_values.js";
import type { Database } from "./schema/database.js";
import type { DayWriteState } from "./schema/days.js";

/** One row of the day table as exported and charted. */
export interface DayExportRow {
  participantId: number;
  participant: string;
  localDate: string;
  planned: number;
  checkedIn: number;
  dailyProgress: number;
  /** What the tracker confirmed showing; null before the first confirmed write. */
  stepsShown: number | null;
  /** The steps PowerToken wants shown. */
  stepsWanted: number | null;
  writeState: DayWriteState;
}

/** Which days `pageDayRows` reads. */
export interface PageDayRowsInput {
  /** First local date, inclusive. */
  since: string;
  /** Last local date, inclusive. */
  until: string;
  participantId?: number;
  /** Keyset: rows strictly after this (participant id, date). */
  after?: { participantId: number; localDate: string };
  limit: number;
}

/**
 * Day rows by (participant id, date), one keyset page at a time, so an export never holds the
 * table in memory and every page is an index range scan (the unique key on participant and date).
 */
export async function pageDayRows(db: Kysely<Database>, input: PageDayRowsInput): Promise<DayExportRow[]> {
  const since = checkLocalDate(input.since, "since");
  const until = checkLocalDate(input.until, "until");
  let query = db
    .selectFrom("days as d")
    .innerJoin("participants as p", "p.id", "d.participant_id")
    .select(["d.participant_id", "p.name", "d.local_date", "d.planned_count", "d.completed_count", "d.daily_progress", "d.confirmed_steps", "d.desired_steps", "d.write_state"])
    .where("d.local_date", ">=", since)
    .where("d.local_date", "<=", until);
  if (input.participantId !== undefined) query = query.where("d.participant_id", "=", input.participantId);
  if (input.after) {
    const after = input.after;
    // A row-value comparison (SQLite ≥ 3.15, PostgreSQL) seeks the (participant_id, local_date) index; the OR form scans.
    query = query.where((eb) => eb(eb.refTuple("d.participant_id", "d.local_date"), ">", eb.tuple(after.participantId, after.localDate)));
  }
  const rows = await query.orderBy("d.participant_id").orderBy("d.local_date").limit(input.limit).execute();
  return rows.map((r) => ({
    participantId: r.participant_id,
    participant: r.name,
    localDate: r.local_date,
    planned: r.planned_count,
    checkedIn: r.completed_count,
    dailyProgress: Number(r.daily_progress),
    stepsShown: r.confirmed_steps,
    stepsWanted: r.desired_steps,
    writeState: r.write_state,
  }));
}

/** Participants (active, not paused, enrolled on or before `since`) with no checked-in activity on any day from `since` on. */
export async function listWithoutCheckInSince(db: Kysely<Database>, since: string): Promise<number[]> {
  const from = checkLocalDate(since, "since");
  const rows = await db
    .selectFrom("participants as p")
    .select("p.id")
    .where("p.status", "=", "active")
    .where("p.paused_at", "is", null)
    .where("p.enrollment_start", "<=", from)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("days as d").select(sql`1`.as("one")).whereRef("d.participant_id", "=", "p.id").where("d.local_date", ">=", from).where("d.completed_count", ">", 0))),
    )
    .orderBy("p.id")
    .execute();
  return rows.map((r) => r.id);
}

/** Linked accounts that are not active (reauth-required, api-gone) of participants who have not ended. */
export async function listAccountProblems(db: Kysely<Database>): Promise<{ participantId: number; account: "weconnect" | "tracker"; status: string; backend: string | null }[]> {
  const weconnect = await db
    .selectFrom("weconnect_accounts as w")
    .innerJoin("participants as p", "p.id", "w.participant_id")
    .select(["w.participant_id", "w.status"])
    .where("w.status", "!=", "active")
    .where("p.status", "!=", "ended")
    .orderBy("w.participant_id")
    .execute();
  const trackers = await db
    .selectFrom("tracker_accounts as t")
    .innerJoin("participants as p", "p.id", "t.participant_id")
    .select(["t.participant_id", "t.status", "t.backend"])
    .where("t.status", "!=", "active")
    .where("p.status", "!=", "ended")
    .orderBy("t.participant_id")
    .execute();
  return [
    ...weconnect.map((r) => ({ participantId: r.participant_id, account: "weconnect" as const, status: r.status, backend: null })),
    ...trackers.map((r) => ({ participantId: r.participant_id, account: "tracker" as const, status: r.status, backend: r.backend })),
  ];
}

/** Participants whose only active tracker link is the legacy Fitbit API (they must move to Google Health). */
export async function listOnLegacyOnly(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom("participants as p")
    .select("p.id")
    .where("p.status", "!=", "ended")
    .where(({ exists, not, selectFrom }) =>
      exists(selectFrom("tracker_accounts as t").select(sql`1`.as("one")).whereRef("t.participant_id", "=", "p.id").where("t.backend", "=", "fitbit-legacy").where("t.status", "=", "active")).and(
        not(exists(selectFrom("tracker_accounts as g").select(sql`1`.as("one")).whereRef("g.participant_id", "=", "p.id").where("g.backend", "=", "google-health").where("g.status", "=", "active"))),
      ),
    )
    .orderBy("p.id")
    .execute();
  return rows.map((r) => r.id);
}

/** Participants that never linked a tracker (no tracker account at all) and have not ended. */
export async function listNeverConnected(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom("participants as p")
    .select("p.id")
    .where("p.status", "!=", "ended")
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("tracker_accounts as t").select(sql`1`.as("one")).whereRef("t.participant_id", "=", "p.id"))))
    .orderBy("p.id")
    .execute();
  return rows.map((r) => r.id);
}

/** Invite counts over all participants: links sent, opened at least once, completed. Revoked links count as sent. */
export async function countInviteProgress(db: Kysely<Database>): Promise<{ sent: number; opened: number; completed: number; participants: number }> {
  const row = await db
    .withTables<{ invites: { participant_id: number; opened_at: string | null; completed_at: string | null } }>()
    .selectFrom("invites")
    .select((eb) => [
      eb.fn.countAll<number | string>().as("sent"),
      eb.fn.count<number | string>("opened_at").as("opened"),
      eb.fn.count<number | string>("completed_at").as("completed"),
      sql<number | string>`count(distinct participant_id)`.as("participants"),
    ])
    .executeTakeFirstOrThrow();
  return { sent: Number(row.sent), opened: Number(row.opened), completed: Number(row.completed), participants: Number(row.participants) };
}

/**
 * Active, unpaused participants enrolled before `before` whose days were last updated by a poll before it
 * (or never): the poll has not reached them since.
 */
export async function listNotPolledSince(db: Kysely<Database>, before: Date): Promise<number[]> {
  const cutoff = toIso(before, "before");
  const rows = await db
    .selectFrom("participants as p")
    .leftJoin("days as d", "d.participant_id", "p.id")
    .select("p.id")
    .where("p.status", "=", "active")
    .where("p.paused_at", "is", null)
    .where("p.created_at", "<", cutoff)
    .groupBy("p.id")
    .having((eb) => eb.or([eb(eb.fn.max("d.updated_at"), "is", null), eb(eb.fn.max("d.updated_at"), "<", cutoff)]))
    .orderBy("p.id")
    .execute();
  return rows.map((r) => r.id);
}
