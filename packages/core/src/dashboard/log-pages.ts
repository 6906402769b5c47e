import { pageAudit, pageErrors, type AuditEntry, type ErrorEntry } from "@powertoken/db";
import type { AdminRuntime } from "../admin/admin-runtime.js";
import { pageWindow, type PageRequest } from "./paging.js";

/** A page of log entries and the number matching in all. */
export interface EntriesPage<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The audit log, newest first, filtered and paged in SQL. `until` is exclusive. */
export async function listAuditEntries(
  runtime: Pick<AdminRuntime, "db">,
  options: PageRequest & { participantId?: number; since?: Date; until?: Date },
): Promise<EntriesPage<AuditEntry>> {
  const { limit, offset } = pageWindow(options);
  const { rows, total } = await pageAudit(runtime.db.db, {
    limit,
    offset,
    ...(options.participantId === undefined ? {} : { participantId: options.participantId }),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
  });
  return { rows, total, page: options.page, pageSize: options.pageSize };
}

/** Recorded errors, newest first, filtered by participant, code and time, paged in SQL. */
export async function listErrorEntries(
  runtime: Pick<AdminRuntime, "db">,
  options: PageRequest & { participantId?: number; code?: string; since?: Date },
): Promise<EntriesPage<ErrorEntry>> {
  const { limit, offset } = pageWindow(options);
  const { rows, total } = await pageErrors(runtime.db.db, {
    limit,
    offset,
    ...(options.participantId === undefined ? {} : { participantId: options.participantId }),
    ...(options.code ? { code: options.code } : {}),
    ...(options.since ? { since: options.since } : {}),
  });
  return { rows, total, page: options.page, pageSize: options.pageSize };
}
