import type { Insertable, Selectable } from "kysely";

/**
 * `leases`: per (participant, job), who works on it and until when. A released lease keeps its
 * row with `owner` null and `until_at` = when the participant is next due.
 */
export interface LeasesTable {
  participant_id: number;
  job: string;
  owner: string | null;
  until_at: string;
  claimed_at: string | null;
}

export type LeaseRow = Selectable<LeasesTable>;
export type NewLeaseRow = Insertable<LeasesTable>;
