import { sql, type Kysely, type RawBuilder } from "kysely";
import { inTransaction } from "./_db.js";
import { dialectOf } from "./_dialect.js";
import { fixedSql, runFixed } from "./_fixed-sql.js";
import { checkLocalDate, fromIso, fromIsoOrNull, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { DayRow, DayRowUpdate, DayWriteState } from "./schema/days.js";
import type { Database } from "./schema/database.js";
import type { TrackerBackend } from "./schema/tracker-accounts.js";

/** A participant's local day: progress, what the tracker should show, and what it does show. */
export interface Day {
  id: number;
  participantId: number;
  localDate: string;
  plannedCount: number;
  completedCount: number;
  dailyProgress: number;
  weeklyProgress: number;
  desiredSteps: number | null;
  desiredLabel: string | null;
  confirmedSteps: number | null;
  confirmedLabel: string | null;
  entryBackend: TrackerBackend | null;
  /** The one tracker entry PowerToken owns for this day. */
  entryId: string | null;
  /**
   * The tracker confirmed it shows nothing for this day: Google Health's way of showing 0 steps
   * is having no entry at all. Stored as a confirmed 0 with no entry id (a legacy 0 is a 0-step
   * log, which has an id).
   */
  nothingShown: boolean;
  writeState: DayWriteState;
  pendingAt: Date | null;
  updatedAt: Date;
}

/** What `upsertDay` takes: the freshly computed values of a day. */
export interface UpsertDayInput {
  participantId: number;
  localDate: string;
  plannedCount: number;
  completedCount: number;
  dailyProgress: number;
  weeklyProgress: number;
  desiredSteps: number | null;
  desiredLabel: string | null;
  /**
   * On an existing day, leave its desired value and label as they are (only the write functions
   * change the ledger); `desiredSteps`/`desiredLabel` then apply to a new day only. Saves the
   * caller reading the day first. @default false
   */
  keepDesired?: boolean;
  /** @default new Date() */
  now?: Date;
}

/** Row → `Day`. */
export function toDay(row: DayRow): Day {
  const day: Omit<Day, "nothingShown"> = {
    id: row.id,
    participantId: row.participant_id,
    localDate: row.local_date,
    plannedCount: row.planned_count,
    completedCount: row.completed_count,
    dailyProgress: Number(row.daily_progress),
    weeklyProgress: Number(row.weekly_progress),
    desiredSteps: row.desired_steps,
    desiredLabel: row.desired_label,
    confirmedSteps: row.confirmed_steps,
    confirmedLabel: row.confirmed_label,
    entryBackend: row.entry_backend,
    entryId: row.entry_id,
    writeState: row.write_state,
    pendingAt: fromIsoOrNull(row.pending_at),
    updatedAt: fromIso(row.updated_at),
  };
  // Whether the day still needs a write is core's rule (`dayNeedsWrite`), not a stored fact.
  return { ...day, nothingShown: isNothingShown(day.confirmedSteps, day.entryId) };
}

/** Google Health's "shows nothing": a confirmed 0 with no entry id (see `Day.nothingShown`). */
export function isNothingShown(confirmedSteps: number | null, entryId: string | null): boolean {
  return confirmedSteps === 0 && entryId === null;
}

function checkSteps(steps: number | null, field: string): number | null {
  if (steps !== null && !(Number.isInteger(steps) && steps >= 0 && steps <= 2_000_000_000)) {
    throw new DbError("INVALID_INPUT", `${field} must be a non-negative integer step count.`, { table: "days" });
  }
  return steps;
}

/** A participant's day, or null. */
export async function getDay(db: Kysely<Database>, participantId: number, localDate: string): Promise<Day | null> {
  const row = await db.selectFrom("days").selectAll().where("participant_id", "=", participantId).where("local_date", "=", checkLocalDate(localDate)).executeTakeFirst();
  return row ? toDay(row) : null;
}

const UPSERT_DAY_COLUMNS = `insert into days (participant_id, local_date, write_state, planned_count, completed_count, daily_progress, weekly_progress, desired_steps, desired_label, updated_at)
  values (?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?) on conflict (participant_id, local_date) do update set
  planned_count = excluded.planned_count, completed_count = excluded.completed_count, daily_progress = excluded.daily_progress, weekly_progress = excluded.weekly_progress, updated_at = excluded.updated_at`;
// Fixed text (the poll's hot path, see _fixed-sql.ts): with and without keeping the stored desired value.
const UPSERT_DAY = fixedSql(`${UPSERT_DAY_COLUMNS}, desired_steps = excluded.desired_steps, desired_label = excluded.desired_label returning *`);
const UPSERT_DAY_KEEP_DESIRED = fixedSql(`${UPSERT_DAY_COLUMNS} returning *`);

/**
 * Creates a day or updates its counts, progress and desired value; never touches the confirmed
 * value, the entry id or the write state (those change only through the write functions).
 * @throws DbError INVALID_INPUT
 */
export async function upsertDay(db: Kysely<Database>, input: UpsertDayInput): Promise<Day> {
  const at = toIso(input.now ?? new Date(), "now");
  const values = {
    planned_count: input.plannedCount,
    completed_count: input.completedCount,
    daily_progress: input.dailyProgress,
    weekly_progress: input.weeklyProgress,
    desired_steps: checkSteps(input.desiredSteps, "desiredSteps"),
    desired_label: input.desiredLabel,
    updated_at: at,
  };
  for (const value of [input.dailyProgress, input.weeklyProgress]) {
    if (!Number.isFinite(value)) throw new DbError("INVALID_INPUT", "Progress must be a finite number (guard the division by zero of a day without events).", { table: "days" });
  }
  const [row] = await runFixed<DayRow>(db, input.keepDesired ? UPSERT_DAY_KEEP_DESIRED : UPSERT_DAY, [
    input.participantId,
    checkLocalDate(input.localDate),
    values.planned_count,
    values.completed_count,
    values.daily_progress,
    values.weekly_progress,
    values.desired_steps,
    values.desired_label,
    values.updated_at,
  ]);
  if (!row) throw new DbError("NOT_FOUND", `Participant ${input.participantId}: the day upsert returned no row.`, { table: "days" });
  return toDay(row);
}

/** What `markDayPending` takes: the write about to be sent to the tracker. */
export interface MarkDayPendingInput {
  participantId: number;
  localDate: string;
  steps: number;
  label: string;
  backend: TrackerBackend;
  /**
   * The entry id the write will use, when known in advance (keeps the existing one when omitted).
   * `backend` is stored as `entry_backend` only with an id, or while the day has none: a
   * recorded id keeps the backend it came from until a write replaces it, so a pending Google
   * write never mistakes a legacy log id for one of its own.
   */
  entryId?: string;
  /** @default new Date() */
  now?: Date;
}

// The poll's intent (no entry id given), as fixed text: see _fixed-sql.ts.
const MARK_DAY_PENDING = fixedSql(`update days set desired_steps = ?, desired_label = ?, write_state = 'pending', pending_at = ?,
  entry_backend = case when entry_id is null then ? else entry_backend end, updated_at = ? where participant_id = ? and local_date = ? returning *`);

/**
 * Records the intended write before calling the tracker (crash safety: after a crash the day
 * is still `pending`, so the next run re-sends it idempotently to the same entry).
 * @throws DbError NOT_FOUND when the day does not exist (call `upsertDay` first), INVALID_INPUT
 */
export async function markDayPending(db: Kysely<Database>, input: MarkDayPendingInput): Promise<Day> {
  const at = toIso(input.now ?? new Date(), "now");
  if (input.entryId === undefined) {
    const [pending] = await runFixed<DayRow>(db, MARK_DAY_PENDING, [checkSteps(input.steps, "steps"), input.label, at, input.backend, at, input.participantId, checkLocalDate(input.localDate)]);
    if (!pending) throw new DbError("NOT_FOUND", `Participant ${input.participantId} has no day ${input.localDate}; upsert it first.`, { table: "days" });
    return toDay(pending);
  }
  const row = await db
    .updateTable("days")
    .set({
      desired_steps: checkSteps(input.steps, "steps"),
      desired_label: input.label,
      write_state: "pending",
      pending_at: at,
      ...(input.entryId !== undefined
        ? { entry_id: input.entryId, entry_backend: input.backend }
        : { entry_backend: (eb) => eb.case().when("entry_id", "is", null).then(input.backend).else(eb.ref("entry_backend")).end() }),
      updated_at: at,
    })
    .where("participant_id", "=", input.participantId)
    .where("local_date", "=", checkLocalDate(input.localDate))
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new DbError("NOT_FOUND", `Participant ${input.participantId} has no day ${input.localDate}; upsert it first.`, { table: "days" });
  return toDay(row);
}

/** What `recordTrackerWrite` takes: what the tracker call did. */
export interface RecordTrackerWriteInput {
  participantId: number;
  localDate: string;
  /** `tracker-write` (showDay) or `tracker-clear` (clearDay). @default "tracker-write" */
  action?: "tracker-write" | "tracker-clear";
  backend: TrackerBackend;
  /** Steps now shown (write) or removed (clear); null when unknown. */
  steps: number | null;
  label?: string | null;
  /** The entry now on the tracker (write) or removed (clear); null with `ok` and 0 steps: the tracker shows nothing. */
  entryId: string | null;
  outcome: "ok" | "failed" | "skipped";
  /** Our own words, no upstream body or token; cut to 1,000 characters. */
  detail?: string | null;
  /** For the audit row; the day's values when omitted. */
  dailyProgress?: number;
  weeklyProgress?: number;
  /** @default new Date() */
  now?: Date;
}

// The poll's confirmation path as fixed text (see _fixed-sql.ts).
const DAY_WITH_NAME = fixedSql("select days.*, participants.name as participant_name from days inner join participants on participants.id = days.participant_id where days.participant_id = ? and days.local_date = ?");
const INSERT_AUDIT = fixedSql(
  "insert into audit_log (at, participant_id, participant_name, action, local_date, daily_progress, weekly_progress, steps, backend, entry_id, outcome, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
);
const CONFIRM_DAY = fixedSql("update days set confirmed_steps = ?, confirmed_label = ?, entry_id = ?, entry_backend = ?, write_state = 'confirmed', pending_at = null, updated_at = ? where id = ? returning *");

/**
 * After a tracker call: updates the day (on `ok`: confirmed value and entry id, state
 * `confirmed`; on `failed`: keeps it `pending`, remembering a returned entry id) and appends the
 * audit row, in one transaction.
 * @throws DbError NOT_FOUND when the day does not exist, INVALID_INPUT
 */
export async function recordTrackerWrite(db: Kysely<Database>, input: RecordTrackerWriteInput): Promise<{ day: Day; auditId: number }> {
  const at = toIso(input.now ?? new Date(), "now");
  const localDate = checkLocalDate(input.localDate);
  checkSteps(input.steps, "steps");
  const action = input.action ?? "tracker-write";
  return inTransaction(db, async (trx) => {
    const [current] = await runFixed<DayRow & { participant_name: string }>(trx, DAY_WITH_NAME, [input.participantId, localDate]);
    if (!current) throw new DbError("NOT_FOUND", `Participant ${input.participantId} has no day ${localDate}; upsert it first.`, { table: "days" });

    let update: DayRowUpdate | null = null;
    if (input.outcome === "ok" && action === "tracker-write") {
      update = {
        confirmed_steps: input.steps,
        confirmed_label: input.label ?? null,
        entry_id: input.entryId,
        entry_backend: input.backend,
        write_state: "confirmed",
        pending_at: null,
      };
    } else if (input.outcome === "ok") {
      update = { confirmed_steps: null, confirmed_label: null, entry_id: null, entry_backend: null, write_state: "confirmed", pending_at: null };
    } else if (input.outcome === "failed" && input.entryId !== null && action === "tracker-write") {
      update = { entry_id: input.entryId, entry_backend: input.backend };
    }
    let row: DayRow = current;
    if (input.outcome === "ok" && action === "tracker-write") {
      const [confirmed] = await runFixed<DayRow>(trx, CONFIRM_DAY, [input.steps, input.label ?? null, input.entryId, input.backend, at, current.id]);
      row = confirmed ?? current;
    } else if (update) {
      row = await trx
        .updateTable("days")
        .set({ ...update, updated_at: at })
        .where("id", "=", current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const [audit] = await runFixed<{ id: number }>(trx, INSERT_AUDIT, [
      at,
      input.participantId,
      current.participant_name,
      action,
      localDate,
      input.dailyProgress ?? current.daily_progress,
      input.weeklyProgress ?? current.weekly_progress,
      input.steps,
      input.backend,
      input.entryId,
      input.outcome,
      input.detail ? input.detail.slice(0, 1_000) : null,
    ]);
    if (!audit) throw new DbError("NOT_FOUND", `Participant ${input.participantId}: the audit insert returned no row.`, { table: "audit_log" });
    return { day: toDay(row), auditId: audit.id };
  });
}


/** Rows per set-based statement: SQLite allows 500 terms in one compound SELECT. */
const GROUP_ROWS = 200;

/** `select … union all select …`: the rows of a set-based update, typed alike on both dialects. */
function valuesRows<T>(items: readonly T[], row: (item: T) => RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(items.map(row), sql` union all `);
}

/**
 * {@link markDayPending} for several days in one transaction: a group commit of the intents of
 * concurrent participants, each committed before its tracker call. One UPDATE per 200 days (the
 * statement count, not the commit, bounded PostgreSQL's rate). All or nothing: one missing day
 * (NOT_FOUND) or bad value (INVALID_INPUT) rolls every one back; retry them one by one to learn
 * which.
 * @returns the days in the order given
 */
export async function markDaysPending(db: Kysely<Database>, inputs: readonly MarkDayPendingInput[]): Promise<Day[]> {
  if (inputs.length === 0) return [];
  const at = inputs.map((input) => toIso(input.now ?? new Date(), "now"));
  for (const input of inputs) {
    checkSteps(input.steps, "steps");
    checkLocalDate(input.localDate);
  }
  return inTransaction(db, async (trx) => {
    // An explicit entry id is rare (core never passes one): those go one by one. So do SQLite's:
    // each is a cached fixed statement run in process, where a set's text, varying with its size,
    // would be compiled anew.
    if (dialectOf(trx) === "sqlite" || inputs.some((input) => input.entryId !== undefined)) {
      const days: Day[] = [];
      for (const input of inputs) days.push(await markDayPending(trx, input));
      return days;
    }
    const byKey = new Map<string, Day>();
    for (let i = 0; i < inputs.length; i += GROUP_ROWS) {
      const chunk = inputs.slice(i, i + GROUP_ROWS).map((input, k) => ({ input, at: at[i + k]! }));
      const rows = valuesRows(
        chunk,
        ({ input, at: when }) =>
          sql`select cast(${input.participantId} as integer) as v_pid, cast(${input.localDate} as text) as v_date, cast(${input.steps} as integer) as v_steps, cast(${input.label} as text) as v_label, cast(${input.backend} as text) as v_backend, cast(${when} as text) as v_at`,
      );
      const { rows: updated } = await sql<DayRow>`update days set desired_steps = v.v_steps, desired_label = v.v_label, write_state = 'pending', pending_at = v.v_at,
        entry_backend = case when days.entry_id is null then v.v_backend else days.entry_backend end, updated_at = v.v_at
        from (${rows}) as v where days.participant_id = v.v_pid and days.local_date = v.v_date returning *`.execute(trx);
      for (const row of updated) byKey.set(`${row.participant_id}/${row.local_date}`, toDay(row));
    }
    return inputs.map((input) => {
      const day = byKey.get(`${input.participantId}/${input.localDate}`);
      if (!day) throw new DbError("NOT_FOUND", `Participant ${input.participantId} has no day ${input.localDate}; upsert it first.`, { table: "days" });
      return day;
    });
  });
}

/**
 * {@link recordTrackerWrite} for several confirmed writes (`outcome: "ok"`, `tracker-write`) in
 * one transaction: the days' confirmations in one UPDATE and their audit rows in one INSERT per
 * 200 (a group commit of concurrent participants). Other outcomes or actions go one by one. All
 * or nothing, like {@link markDaysPending}.
 * @returns the days in the order given
 */
export async function recordTrackerWrites(db: Kysely<Database>, inputs: readonly RecordTrackerWriteInput[]): Promise<Day[]> {
  if (inputs.length === 0) return [];
  const at = inputs.map((input) => toIso(input.now ?? new Date(), "now"));
  for (const input of inputs) {
    checkSteps(input.steps, "steps");
    checkLocalDate(input.localDate);
  }
  return inTransaction(db, async (trx) => {
    // One by one on SQLite too (cached fixed statements, see markDaysPending).
    if (dialectOf(trx) === "sqlite" || inputs.some((input) => input.outcome !== "ok" || (input.action ?? "tracker-write") !== "tracker-write")) {
      const days: Day[] = [];
      for (const input of inputs) days.push((await recordTrackerWrite(trx, input)).day);
      return days;
    }
    const byKey = new Map<string, { row: DayRow; name: string | null }>();
    for (let i = 0; i < inputs.length; i += GROUP_ROWS) {
      const chunk = inputs.slice(i, i + GROUP_ROWS).map((input, k) => ({ input, at: at[i + k]! }));
      const rows = valuesRows(
        chunk,
        ({ input, at: when }) =>
          sql`select cast(${input.participantId} as integer) as v_pid, cast(${input.localDate} as text) as v_date, cast(${input.steps} as integer) as v_steps, cast(${input.label ?? null} as text) as v_label, cast(${input.entryId} as text) as v_entry, cast(${input.backend} as text) as v_backend, cast(${when} as text) as v_at`,
      );
      const { rows: updated } = await sql<DayRow>`update days set confirmed_steps = v.v_steps, confirmed_label = v.v_label, entry_id = v.v_entry, entry_backend = v.v_backend,
        write_state = 'confirmed', pending_at = null, updated_at = v.v_at
        from (${rows}) as v where days.participant_id = v.v_pid and days.local_date = v.v_date returning *`.execute(trx);
      const names = new Map<number, string>();
      const ids = [...new Set(updated.map((row) => row.participant_id))];
      if (ids.length > 0) for (const p of await trx.selectFrom("participants").select(["id", "name"]).where("id", "in", ids).execute()) names.set(p.id, p.name);
      for (const row of updated) byKey.set(`${row.participant_id}/${row.local_date}`, { row, name: names.get(row.participant_id) ?? null });
      const audits = chunk.map(({ input, at: when }) => {
        const found = byKey.get(`${input.participantId}/${input.localDate}`);
        if (!found) throw new DbError("NOT_FOUND", `Participant ${input.participantId} has no day ${input.localDate}; upsert it first.`, { table: "days" });
        return {
          at: when,
          participant_id: input.participantId,
          participant_name: found.name,
          action: "tracker-write" as const,
          local_date: input.localDate,
          daily_progress: input.dailyProgress ?? found.row.daily_progress,
          weekly_progress: input.weeklyProgress ?? found.row.weekly_progress,
          steps: input.steps,
          backend: input.backend,
          entry_id: input.entryId,
          outcome: "ok" as const,
          detail: input.detail ? input.detail.slice(0, 1_000) : null,
        };
      });
      await trx.insertInto("audit_log").values(audits).execute();
    }
    return inputs.map((input) => toDay(byKey.get(`${input.participantId}/${input.localDate}`)!.row));
  });
}

const TOUCH_DAY = fixedSql("update days set updated_at = ? where participant_id = ? and local_date = ? returning *");

/**
 * Sets a day's `updated_at` (when a poll last saw it) and nothing else: a poll that found the
 * day exactly as stored needs no more. One statement.
 * @returns the day, or null when it does not exist
 * @throws DbError INVALID_INPUT
 */
export async function touchDay(db: Kysely<Database>, input: { participantId: number; localDate: string; now?: Date }): Promise<Day | null> {
  const at = toIso(input.now ?? new Date(), "now");
  const [row] = await runFixed<DayRow>(db, TOUCH_DAY, [at, input.participantId, checkLocalDate(input.localDate)]);
  return row ? toDay(row) : null;
}

/**
 * {@link touchDay} for several days in one transaction (a group commit of concurrent polls that
 * found their day unchanged).
 * @returns each day, or null where it does not exist, in the order given
 * @throws DbError INVALID_INPUT (nothing is touched then)
 */
export async function touchDays(db: Kysely<Database>, inputs: readonly { participantId: number; localDate: string; now?: Date }[]): Promise<(Day | null)[]> {
  if (inputs.length === 0) return [];
  for (const input of inputs) checkLocalDate(input.localDate);
  return inTransaction(db, async (trx) => {
    const days: (Day | null)[] = [];
    for (const input of inputs) days.push(await touchDay(trx, input));
    return days;
  });
}
