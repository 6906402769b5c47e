import type { Kysely } from "kysely";
import { chunkRows, checkLocalDate, fromIso, fromIsoOrNull, toIso } from "./_values.js";
import { isNothingShown } from "./days.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";
import type { ProgressMapping } from "./schema/participants.js";
import type { TrackerBackend } from "./schema/tracker-accounts.js";

/** `drift_checks` (migration 070): when a participant's day was last read back from the tracker. */
export interface DriftChecksTable {
  participant_id: number;
  local_date: string;
  checked_at: string;
  /** `checking` while claimed, then `ok`, `repaired` or `failed`. */
  outcome: string;
  /** Steps the tracker showed (null: no entry, or not read). */
  found_steps: number | null;
}

type WithDrift = Database & { drift_checks: DriftChecksTable };
const withDrift = (db: Kysely<Database>) => db.withTables<{ drift_checks: DriftChecksTable }>() as unknown as Kysely<WithDrift>;

/** How a drift check ended. */
export type DriftOutcome = "ok" | "repaired" | "failed";

/** A confirmed day that is due for a read-back, with what the ledger says the tracker shows. */
export interface DriftCandidate {
  participantId: number;
  participantName: string;
  timeZone: string;
  mapping: ProgressMapping;
  goalSteps: number;
  stepsPerUnit: number;
  createdAt: Date;
  localDate: string;
  desiredSteps: number | null;
  desiredLabel: string | null;
  confirmedSteps: number;
  confirmedLabel: string | null;
  entryId: string | null;
  entryBackend: TrackerBackend | null;
  /** The tracker confirmed it shows nothing for the day (see `Day.nothingShown`). */
  nothingShown: boolean;
  dailyProgress: number;
  weeklyProgress: number;
  /** When this day was last read back; null when never. */
  lastCheckedAt: Date | null;
}

/** What {@link listDriftCandidates} takes. */
export interface ListDriftCandidatesInput {
  /** Local dates from and to (inclusive), `YYYY-MM-DD`: a range that covers every zone's today and yesterday. */
  fromDate: string;
  toDate: string;
  /** Days read back after this are not due. */
  checkedBefore: Date;
  /** At most this many day rows, least recently checked first. */
  limit: number;
}

/**
 * Confirmed days (write state `confirmed`, a confirmed value) of active, unpaused participants
 * with an active tracker account, within the dates, never read back or last read back at or before
 * `checkedBefore`; least recently checked first. One statement with a LIMIT, so a run never loads
 * the whole study.
 * @throws DbError INVALID_INPUT
 */
export async function listDriftCandidates(db: Kysely<Database>, input: ListDriftCandidatesInput): Promise<DriftCandidate[]> {
  if (!(Number.isInteger(input.limit) && input.limit >= 0)) throw new DbError("INVALID_INPUT", `limit must be a non-negative integer, got ${input.limit}.`, { table: "drift_checks" });
  if (input.limit === 0) return [];
  const before = toIso(input.checkedBefore, "checkedBefore");
  const rows = await withDrift(db)
    .selectFrom("days as d")
    .innerJoin("participants as p", "p.id", "d.participant_id")
    .leftJoin("drift_checks as c", (join) => join.onRef("c.participant_id", "=", "d.participant_id").onRef("c.local_date", "=", "d.local_date"))
    .select([
      "d.participant_id",
      "p.name",
      "p.time_zone",
      "p.mapping",
      "p.goal_steps",
      "p.steps_per_unit",
      "p.created_at",
      "d.local_date",
      "d.desired_steps",
      "d.desired_label",
      "d.confirmed_steps",
      "d.confirmed_label",
      "d.entry_id",
      "d.entry_backend",
      "d.daily_progress",
      "d.weekly_progress",
      "c.checked_at",
    ])
    .where("p.status", "=", "active")
    .where("p.paused_at", "is", null)
    .where("d.local_date", ">=", checkLocalDate(input.fromDate, "fromDate"))
    .where("d.local_date", "<=", checkLocalDate(input.toDate, "toDate"))
    .where("d.write_state", "=", "confirmed")
    .where("d.confirmed_steps", "is not", null)
    .where((eb) => eb.or([eb("c.checked_at", "is", null), eb("c.checked_at", "<=", before)]))
    .where((eb) => eb.exists(eb.selectFrom("tracker_accounts as t").select("t.id").whereRef("t.participant_id", "=", "p.id").where("t.status", "=", "active")))
    // '' sorts before every ISO time in both dialects: never-checked days first.
    .orderBy((eb) => eb.fn.coalesce("c.checked_at", eb.val("")))
    .orderBy("d.participant_id")
    .orderBy("d.local_date", "desc")
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({
    participantId: r.participant_id,
    participantName: r.name,
    timeZone: r.time_zone,
    mapping: r.mapping,
    goalSteps: r.goal_steps,
    stepsPerUnit: r.steps_per_unit,
    createdAt: fromIso(r.created_at),
    localDate: r.local_date,
    desiredSteps: r.desired_steps,
    desiredLabel: r.desired_label,
    confirmedSteps: r.confirmed_steps!,
    confirmedLabel: r.confirmed_label,
    entryId: r.entry_id,
    entryBackend: r.entry_backend,
    nothingShown: isNothingShown(r.confirmed_steps, r.entry_id),
    dailyProgress: r.daily_progress,
    weeklyProgress: r.weekly_progress,
    lastCheckedAt: fromIsoOrNull(r.checked_at),
  }));
}

/** What {@link claimDriftChecks} takes. */
export interface ClaimDriftChecksInput {
  items: readonly { participantId: number; localDate: string }[];
  now: Date;
  /** Only days last checked at or before this (or never) are claimed. */
  checkedBefore: Date;
}

/**
 * Marks the days as being checked now, in one upsert per chunk guarded by
 * `checked_at <= checkedBefore`, and returns those won: of several processes selecting the same
 * day, one reads it back.
 */
export async function claimDriftChecks(db: Kysely<Database>, input: ClaimDriftChecksInput): Promise<Array<{ participantId: number; localDate: string }>> {
  const now = toIso(input.now, "now");
  const before = toIso(input.checkedBefore, "checkedBefore");
  const won: Array<{ participantId: number; localDate: string }> = [];
  for (const chunk of chunkRows(input.items, 5)) {
    const rows = await withDrift(db)
      .insertInto("drift_checks")
      .values(chunk.map((i) => ({ participant_id: i.participantId, local_date: checkLocalDate(i.localDate), checked_at: now, outcome: "checking", found_steps: null })))
      .onConflict((oc) =>
        oc.columns(["participant_id", "local_date"]).doUpdateSet({ checked_at: now, outcome: "checking", found_steps: null }).where("drift_checks.checked_at", "<=", before),
      )
      .returning(["participant_id", "local_date"])
      .execute();
    for (const r of rows) won.push({ participantId: r.participant_id, localDate: r.local_date });
  }
  return won;
}

/** Records how a claimed check ended (`foundSteps`: what the tracker showed, null for no entry or not read). */
export async function recordDriftCheck(db: Kysely<Database>, input: { participantId: number; localDate: string; outcome: DriftOutcome; foundSteps: number | null; now: Date }): Promise<void> {
  await withDrift(db)
    .updateTable("drift_checks")
    .set({ outcome: input.outcome, found_steps: input.foundSteps, checked_at: toIso(input.now, "now") })
    .where("participant_id", "=", input.participantId)
    .where("local_date", "=", checkLocalDate(input.localDate))
    .execute();
}

/** A participant's recorded drift checks, newest date first (status pages, tests). */
export async function listDriftChecks(db: Kysely<Database>, participantId: number): Promise<Array<{ localDate: string; checkedAt: Date; outcome: string; foundSteps: number | null }>> {
  const rows = await withDrift(db).selectFrom("drift_checks").selectAll().where("participant_id", "=", participantId).orderBy("local_date", "desc").execute();
  return rows.map((r) => ({ localDate: r.local_date, checkedAt: fromIso(r.checked_at), outcome: r.outcome, foundSteps: r.found_steps }));
}

/** What {@link reopenDriftedDay} takes: the day, and the ledger as the drift check read it. */
export interface ReopenDriftedDayInput {
  participantId: number;
  localDate: string;
  /** The ledger values the read-back was compared with; the day is reopened only while they still hold. */
  expected: { desiredSteps: number | null; desiredLabel: string | null; confirmedSteps: number; confirmedLabel: string | null; entryId: string | null };
  now: Date;
}

/**
 * Puts a confirmed day whose tracker entry drifted back in state `pending`, so the poll (the one
 * writer of trackers) writes it again. Guarded: only while the day is still `confirmed` with
 * exactly the ledger values the read-back was compared with. A poll that wrote or began a write
 * since then (another value, or a pending intent) wins, and nothing changes: what the tracker
 * showed was that write, not drift.
 * @returns true when the day was reopened
 * @throws DbError INVALID_INPUT
 */
export async function reopenDriftedDay(db: Kysely<Database>, input: ReopenDriftedDayInput): Promise<boolean> {
  const at = toIso(input.now, "now");
  const { expected } = input;
  const result = await db
    .updateTable("days")
    .set({ write_state: "pending", pending_at: at, updated_at: at })
    .where("participant_id", "=", input.participantId)
    .where("local_date", "=", checkLocalDate(input.localDate))
    .where("write_state", "=", "confirmed")
    .where("confirmed_steps", "=", expected.confirmedSteps)
    .where((eb) =>
      eb.and([
        expected.desiredSteps === null ? eb("desired_steps", "is", null) : eb("desired_steps", "=", expected.desiredSteps),
        expected.desiredLabel === null ? eb("desired_label", "is", null) : eb("desired_label", "=", expected.desiredLabel),
        expected.confirmedLabel === null ? eb("confirmed_label", "is", null) : eb("confirmed_label", "=", expected.confirmedLabel),
        expected.entryId === null ? eb("entry_id", "is", null) : eb("entry_id", "=", expected.entryId),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
