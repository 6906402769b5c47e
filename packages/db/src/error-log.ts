import type { Kysely } from "kysely";
import { fromIso, toIso, truncate } from "./_values.js";
import type { Database } from "./schema/database.js";

/** One recorded error. */
export interface ErrorEntry {
  id: number;
  at: Date;
  participantId: number | null;
  origin: string;
  code: string;
  message: string;
}

/** What `recordError` takes. The message is the caller's own (never an upstream body or a token). */
export interface RecordErrorInput {
  participantId?: number | null;
  /** Where it happened: `poll`, `maintenance`, `weconnect`, `tracker`... (cut to 100 characters). */
  origin: string;
  /** The error's `code` (cut to 64). */
  code: string;
  /** Cut to 500 characters. */
  message: string;
  /** @default new Date() */
  at?: Date;
}

/** Stores an error for staff; returns its id. Removing the participant removes their errors. */
export async function recordError(db: Kysely<Database>, input: RecordErrorInput): Promise<number> {
  const row = await db
    .insertInto("errors")
    .values({
      at: toIso(input.at ?? new Date(), "at"),
      participant_id: input.participantId ?? null,
      origin: truncate(String(input.origin), 100),
      code: truncate(String(input.code), 64),
      message: truncate(String(input.message), 500),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Filters for `listErrors`. */
export interface ListErrorsFilter {
  participantId?: number;
  since?: Date;
  /** @default 100 */
  limit?: number;
}

/** Recorded errors, newest first. */
export async function listErrors(db: Kysely<Database>, filter: ListErrorsFilter = {}): Promise<ErrorEntry[]> {
  let query = db.selectFrom("errors").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(filter.limit ?? 100);
  if (filter.participantId !== undefined) query = query.where("participant_id", "=", filter.participantId);
  if (filter.since) query = query.where("at", ">=", toIso(filter.since, "since"));
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, at: fromIso(r.at), participantId: r.participant_id, origin: r.origin, code: r.code, message: r.message }));
}
