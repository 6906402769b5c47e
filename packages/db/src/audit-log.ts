import type { Kysely } from "kysely";
import { checkLocalDate, fromIso, toIso, truncate } from "./_values.js";
import type { AuditAction, AuditLogRow, AuditOutcome } from "./schema/audit-log.js";
import type { Database } from "./schema/database.js";
import type { TrackerBackend } from "./schema/tracker-accounts.js";

/** One audit row. */
export interface AuditEntry {
  id: number;
  at: Date;
  participantId: number | null;
  participantName: string | null;
  action: AuditAction;
  localDate: string | null;
  dailyProgress: number | null;
  weeklyProgress: number | null;
  steps: number | null;
  backend: TrackerBackend | null;
  entryId: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

/** What `appendAudit` takes; `detail` is cut to 1,000 characters and must hold no secret. */
export type AppendAuditInput = Partial<Omit<AuditEntry, "id" | "at" | "action" | "outcome">> & {
  action: AuditAction;
  outcome: AuditOutcome;
  /** @default new Date() */
  at?: Date;
};

/** Row → `AuditEntry`. */
export function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: fromIso(row.at),
    participantId: row.participant_id,
    participantName: row.participant_name,
    action: row.action,
    localDate: row.local_date,
    dailyProgress: row.daily_progress === null ? null : Number(row.daily_progress),
    weeklyProgress: row.weekly_progress === null ? null : Number(row.weekly_progress),
    steps: row.steps,
    backend: row.backend,
    entryId: row.entry_id,
    outcome: row.outcome,
    detail: row.detail,
  };
}

/** Appends one audit row (e.g. a maintenance action); returns its id. Rows are never updated or deleted. */
export async function appendAudit(db: Kysely<Database>, input: AppendAuditInput): Promise<number> {
  const row = await db
    .insertInto("audit_log")
    .values({
      at: toIso(input.at ?? new Date(), "at"),
      participant_id: input.participantId ?? null,
      participant_name: input.participantName ?? null,
      action: input.action,
      local_date: input.localDate == null ? null : checkLocalDate(input.localDate),
      daily_progress: input.dailyProgress ?? null,
      weekly_progress: input.weeklyProgress ?? null,
      steps: input.steps ?? null,
      backend: input.backend ?? null,
      entry_id: input.entryId ?? null,
      outcome: input.outcome,
      detail: input.detail == null ? null : truncate(input.detail, 1_000),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Filters for `listAudit`; all optional, combined with AND. */
export interface ListAuditFilter {
  participantId?: number;
  actions?: readonly AuditAction[];
  /** Inclusive lower bound on `at`. */
  since?: Date;
  /** Exclusive upper bound on `at`. */
  until?: Date;
  /** @default 100 */
  limit?: number;
}

/** Audit rows, newest first. */
export async function listAudit(db: Kysely<Database>, filter: ListAuditFilter = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom("audit_log").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(filter.limit ?? 100);
  if (filter.participantId !== undefined) query = query.where("participant_id", "=", filter.participantId);
  if (filter.actions) {
    if (filter.actions.length === 0) return [];
    query = query.where("action", "in", [...filter.actions]);
  }
  if (filter.since) query = query.where("at", ">=", toIso(filter.since, "since"));
  if (filter.until) query = query.where("at", "<", toIso(filter.until, "until"));
  return (await query.execute()).map(toAuditEntry);
}
