import { countParticipantsByStatus, pageParticipants, PARTICIPANT_STATUSES } from "@powertoken/db";
import { participantStatusRow, type ParticipantStatusRow } from "../admin/status-report.js";
import type { ParticipantStatus } from "../data/core-data.js";
import type { AdminRuntime } from "../admin/admin-runtime.js";
import { pageWindow, type PageRequest } from "./paging.js";

/** Options of {@link listParticipantRows}. */
export interface ListParticipantRowsOptions extends PageRequest {
  /** Case-insensitive part of the name. */
  search?: string;
  /** Only these states. @default every state */
  states?: readonly ParticipantStatus[];
  /** @default runtime.ctx.now() */
  now?: Date;
}

/** One page of the overview table. */
export interface ParticipantRowsPage {
  rows: ParticipantStatusRow[];
  /** Participants matching the search and filter, over all pages. */
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The overview table: participants filtered, sorted by name and paged in SQL, each row with
 * the columns of `powertoken status` (state, today's check-ins, tracker, last poll, token health,
 * last error) computed by `getStatusReport`'s row function for the page's participants only.
 * @throws CoreError INVALID_INPUT for a bad page
 */
export async function listParticipantRows(runtime: Pick<AdminRuntime, "db" | "ctx">, options: ListParticipantRowsOptions): Promise<ParticipantRowsPage> {
  const { limit, offset } = pageWindow(options);
  const page = await pageParticipants(runtime.db.db, { limit, offset, ...(options.search ? { search: options.search } : {}), ...(options.states ? { statuses: options.states } : {}) });
  const now = options.now ?? runtime.ctx.now();
  const rows = await Promise.all(page.rows.map((p) => participantStatusRow(runtime, p, now)));
  return { rows, total: page.total, page: options.page, pageSize: options.pageSize };
}

/** Participants per state, every state present (0 when none). */
export async function countParticipantsByState(runtime: Pick<AdminRuntime, "db">): Promise<Record<ParticipantStatus, number>> {
  const counts = await countParticipantsByStatus(runtime.db.db);
  return Object.fromEntries(PARTICIPANT_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<ParticipantStatus, number>;
}
