import { sql, type Kysely } from "kysely";
import { toAuditEntry, type AuditEntry } from "./audit-log.js";
import { fromIso, toIso } from "./_values.js";
import type { ErrorEntry } from "./error-log.js";
import { toParticipant, type Participant } from "./participants.js";
import type { Database } from "./schema/database.js";
import type { ParticipantStatus } from "./schema/participants.js";

/** A page of a list and how many rows match in all. */
export interface Page<T> {
  rows: T[];
  total: number;
}

/** Which participants `pageParticipants` returns. */
export interface PageParticipantsFilter {
  /** Case-insensitive substring of the name. */
  search?: string;
  statuses?: readonly ParticipantStatus[];
  limit: number;
  offset: number;
}

// LIKE's wildcards in a search are taken literally.
const likePattern = (search: string) => `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Participants by name, filtered and paged in SQL, with the count of all matching. */
export async function pageParticipants(db: Kysely<Database>, filter: PageParticipantsFilter): Promise<Page<Participant>> {
  if (filter.statuses && filter.statuses.length === 0) return { rows: [], total: 0 };
  let query = db.selectFrom("participants");
  if (filter.statuses) query = query.where("status", "in", [...filter.statuses]);
  if (filter.search) {
    const pattern = likePattern(filter.search);
    query = query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
  }
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy("name").orderBy("id").limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toParticipant), total: Number(total.n) };
}

/** How many participants are in each status (statuses with none are absent). */
export async function countParticipantsByStatus(db: Kysely<Database>): Promise<Partial<Record<ParticipantStatus, number>>> {
  const rows = await db.selectFrom("participants").select(["status", (eb) => eb.fn.countAll<number | string>().as("n")]).groupBy("status").execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Filters of `pageAudit`. */
export interface PageAuditFilter {
  participantId?: number;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

/** Audit rows, newest first, paged, with the count of all matching. */
export async function pageAudit(db: Kysely<Database>, filter: PageAuditFilter): Promise<Page<AuditEntry>> {
  let query = db.selectFrom("audit_log");
  if (filter.participantId !== undefined) query = query.where("participant_id", "=", filter.participantId);
  if (filter.since) query = query.where("at", ">=", toIso(filter.since, "since"));
  if (filter.until) query = query.where("at", "<", toIso(filter.until, "until"));
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toAuditEntry), total: Number(total.n) };
}

/** Filters of `pageErrors`. */
export interface PageErrorsFilter {
  participantId?: number;
  code?: string;
  since?: Date;
  limit: number;
  offset: number;
}

/** Recorded errors, newest first, paged, with the count of all matching. */
export async function pageErrors(db: Kysely<Database>, filter: PageErrorsFilter): Promise<Page<ErrorEntry>> {
  let query = db.selectFrom("errors");
  if (filter.participantId !== undefined) query = query.where("participant_id", "=", filter.participantId);
  if (filter.code) query = query.where("code", "=", filter.code);
  if (filter.since) query = query.where("at", ">=", toIso(filter.since, "since"));
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({ id: r.id, at: fromIso(r.at), participantId: r.participant_id, origin: r.origin, code: r.code, message: r.message })),
    total: Number(total.n),
  };
}
