import type { Kysely } from "kysely";
import { inTransaction, isUniqueViolation } from "./_db.js";
import { checkLocalDate, chunkRows, fromIso, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";
import type { NewParticipantRow, ParticipantRow, ParticipantStatus, ProgressMapping } from "./schema/participants.js";

/** A participant as the query functions return it. */
export interface Participant {
  id: number;
  name: string;
  timeZone: string;
  /** `YYYY-MM-DD` in `timeZone`. */
  enrollmentStart: string;
  enrollmentEnd: string | null;
  status: ParticipantStatus;
  mapping: ProgressMapping;
  goalSteps: number;
  stepsPerUnit: number;
  /** When staff paused the participant; null while not paused. Paused participants are neither polled nor maintained. */
  pausedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What `createParticipant` takes. */
export interface CreateParticipantInput {
  name: string;
  timeZone: string;
  enrollmentStart: string;
  enrollmentEnd?: string | null;
  /** @default "needs-weconnect-signin" */
  status?: ParticipantStatus;
  /** @default "tally" */
  mapping?: ProgressMapping;
  /** Steps at 100 % (plan, weight, seed). @default 100_000 */
  goalSteps?: number;
  /** Steps per check-in (tally) or per weight point (charge). @default 25_000 */
  stepsPerUnit?: number;
  /** @default new Date() */
  now?: Date;
}

/** What `updateParticipant` may change; omitted fields stay. */
export type UpdateParticipantInput = Partial<Omit<CreateParticipantInput, "now">> & { now?: Date };

/** Every participant status, for validation and UIs. */
export const PARTICIPANT_STATUSES: readonly ParticipantStatus[] = ["active", "needs-weconnect-signin", "needs-tracker-consent", "needs-google-health", "ended"];
/** Every progress mapping. */
export const PROGRESS_MAPPINGS: readonly ProgressMapping[] = ["seed", "plan", "weight", "tally", "charge"];

/** Row → `Participant`. */
export function toParticipant(row: ParticipantRow): Participant {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    enrollmentStart: row.enrollment_start,
    enrollmentEnd: row.enrollment_end,
    status: row.status,
    mapping: row.mapping,
    goalSteps: row.goal_steps,
    stepsPerUnit: row.steps_per_unit,
    pausedAt: row.paused_at === null ? null : fromIso(row.paused_at),
    createdAt: fromIso(row.created_at),
    updatedAt: fromIso(row.updated_at),
  };
}

function check(input: UpdateParticipantInput): void {
  if (input.name !== undefined && (typeof input.name !== "string" || input.name.trim() === "" || input.name.length > 100)) {
    throw new DbError("INVALID_INPUT", "A participant name must be 1-100 characters.", { table: "participants" });
  }
  if (input.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: input.timeZone });
    } catch {
      throw new DbError("INVALID_INPUT", `"${String(input.timeZone).slice(0, 60)}" is not an IANA time zone (e.g. America/Chicago).`, { table: "participants" });
    }
  }
  if (input.enrollmentStart !== undefined) checkLocalDate(input.enrollmentStart, "enrollmentStart");
  if (input.enrollmentEnd != null) checkLocalDate(input.enrollmentEnd, "enrollmentEnd");
  if (input.status !== undefined && !PARTICIPANT_STATUSES.includes(input.status)) {
    throw new DbError("INVALID_INPUT", `Unknown participant status "${String(input.status)}"; use one of ${PARTICIPANT_STATUSES.join(", ")}.`, { table: "participants" });
  }
  if (input.mapping !== undefined && !PROGRESS_MAPPINGS.includes(input.mapping)) {
    throw new DbError("INVALID_INPUT", `Unknown mapping "${String(input.mapping)}"; use one of ${PROGRESS_MAPPINGS.join(", ")}.`, { table: "participants" });
  }
  for (const [field, value] of [["goalSteps", input.goalSteps], ["stepsPerUnit", input.stepsPerUnit]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new DbError("INVALID_INPUT", `${field} must be a non-negative integer.`, { table: "participants" });
    }
  }
}

function nameTaken(name: string | undefined, error: unknown): never {
  if (isUniqueViolation(error)) {
    throw new DbError("CONFLICT", `A participant named "${name ?? ""}" already exists. Choose another study name.`, { table: "participants", cause: error });
  }
  throw error;
}

/**
 * Adds a participant.
 * @throws DbError INVALID_INPUT, CONFLICT when the name is taken
 */
/** The row a new participant is inserted as, its defaults in one place (single and bulk inserts). */
export function newParticipantRow(input: CreateParticipantInput, at: string): NewParticipantRow {
  return {
    name: input.name,
    time_zone: input.timeZone,
    enrollment_start: input.enrollmentStart,
    enrollment_end: input.enrollmentEnd ?? null,
    status: input.status ?? "needs-weconnect-signin",
    mapping: input.mapping ?? "tally",
    goal_steps: input.goalSteps ?? 100_000,
    steps_per_unit: input.stepsPerUnit ?? 25_000,
    created_at: at,
    updated_at: at,
  };
}

export async function createParticipant(db: Kysely<Database>, input: CreateParticipantInput): Promise<Participant> {
  check(input);
  const at = toIso(input.now ?? new Date(), "now");
  try {
    const row = await db
      .insertInto("participants")
      .values(newParticipantRow(input, at))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toParticipant(row);
  } catch (error) {
    nameTaken(input.name, error);
  }
}

/** The participant with this id, or null. */
export async function findParticipantById(db: Kysely<Database>, id: number): Promise<Participant | null> {
  const row = await db.selectFrom("participants").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toParticipant(row) : null;
}

/** The participant with this study name, or null. */
export async function findParticipantByName(db: Kysely<Database>, name: string): Promise<Participant | null> {
  const row = await db.selectFrom("participants").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? toParticipant(row) : null;
}

/** Filters for `listParticipants`; all optional, combined with AND. */
export interface ListParticipantsFilter {
  statuses?: readonly ParticipantStatus[];
  ids?: readonly number[];
  /** `false`: only participants who are not paused; `true`: only paused ones. @default either */
  paused?: boolean;
}

/** Participants ordered by id. Any number of `ids`: they are sent in chunks under both dialects' parameter limits. */
export async function listParticipants(db: Kysely<Database>, filter: ListParticipantsFilter = {}): Promise<Participant[]> {
  let query = db.selectFrom("participants").selectAll().orderBy("id");
  if (filter.statuses) {
    if (filter.statuses.length === 0) return [];
    query = query.where("status", "in", [...filter.statuses]);
  }
  if (filter.paused !== undefined) query = query.where("paused_at", filter.paused ? "is not" : "is", null);
  if (!filter.ids) return (await query.execute()).map(toParticipant);
  const rows = [];
  for (const chunk of chunkRows([...new Set(filter.ids)].sort((a, b) => a - b), 1)) {
    rows.push(...(await query.where("id", "in", chunk).execute()));
  }
  return rows.map(toParticipant);
}

/**
 * Changes some fields of a participant and bumps `updatedAt`.
 * @throws DbError NOT_FOUND, INVALID_INPUT, CONFLICT when renaming onto a taken name
 */
export async function updateParticipant(db: Kysely<Database>, id: number, patch: UpdateParticipantInput): Promise<Participant> {
  check(patch);
  const at = toIso(patch.now ?? new Date(), "now");
  return inTransaction(db, async (trx) => {
    let row: ParticipantRow | undefined;
    try {
      row = await trx
        .updateTable("participants")
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
          ...(patch.enrollmentStart !== undefined && { enrollment_start: patch.enrollmentStart }),
          ...(patch.enrollmentEnd !== undefined && { enrollment_end: patch.enrollmentEnd }),
          ...(patch.status !== undefined && { status: patch.status }),
          ...(patch.mapping !== undefined && { mapping: patch.mapping }),
          ...(patch.goalSteps !== undefined && { goal_steps: patch.goalSteps }),
          ...(patch.stepsPerUnit !== undefined && { steps_per_unit: patch.stepsPerUnit }),
          updated_at: at,
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    } catch (error) {
      nameTaken(patch.name, error);
    }
    if (!row) throw new DbError("NOT_FOUND", `No participant with id ${id}. List participants to find the right one.`, { table: "participants" });
    return toParticipant(row);
  });
}

/** What `setParticipantPaused` returns: the participant, and whether this call changed anything. */
export interface SetParticipantPausedResult {
  participant: Participant;
  /** False when the participant already was in the asked state (the call is idempotent). */
  changed: boolean;
}

/**
 * Pauses (`paused: true`) or resumes a participant. Pausing an already paused participant keeps
 * the first `pausedAt`, so "paused since" stays true; `changed` says whether anything happened.
 * @throws DbError NOT_FOUND
 */
export async function setParticipantPaused(db: Kysely<Database>, id: number, paused: boolean, now: Date = new Date()): Promise<SetParticipantPausedResult> {
  const at = toIso(now, "now");
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("participants")
      .set({ paused_at: paused ? at : null, updated_at: at })
      .where("id", "=", id)
      // Only a real change is written: a second pause must not move the pause's start.
      .where("paused_at", paused ? "is" : "is not", null)
      .returningAll()
      .executeTakeFirst();
    if (row) return { participant: toParticipant(row), changed: true };
    const current = await trx.selectFrom("participants").selectAll().where("id", "=", id).executeTakeFirst();
    if (!current) throw new DbError("NOT_FOUND", `No participant with id ${id}. List participants to find the right one.`, { table: "participants" });
    return { participant: toParticipant(current), changed: false };
  });
}
