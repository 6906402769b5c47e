import type { Kysely, Migration } from "kysely";

/**
 * Adds `job_runs.aborted` (0/1) and `job_runs.not_started`: a run cut short by shutdown was
 * stored as `ok` because the outcome only looked at failures. Columns rather than a new `aborted`
 * outcome, because widening the outcome CHECK constraint would mean rebuilding the table on
 * SQLite; a cut-short run is recorded as `partial` (only part of the work was done) and these say
 * why and how many participants it left. Rows written before this migration read as not aborted.
 */
export const addJobRunAborted: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable("job_runs").addColumn("aborted", "integer", (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable("job_runs").addColumn("not_started", "integer", (c) => c.notNull().defaultTo(0)).execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable("job_runs").dropColumn("not_started").execute();
    await db.schema.alterTable("job_runs").dropColumn("aborted").execute();
  },
};
