import type { Kysely, Migration } from "kysely";

/**
 * Adds the two tables that carry a 429's `Retry-After` across runs (issue 15, quota budgeting):
 * `api_pauses`, one row per API family paused after 429s for several participants, and
 * `participant_rate_limits`, one row per participant and API family postponed by its own 429.
 * A cron-driven CLI starts a new process every run, so the wait must outlive the process; the
 * daemon keeps the same state in memory and writes it here for the other replicas. Rows whose
 * `until_at` has passed mean nothing and are deleted when read.
 */
export const addRateLimits: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("api_pauses")
      .addColumn("api", "text", (c) => c.primaryKey())
      .addColumn("until_at", "text", (c) => c.notNull())
      .addColumn("set_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("participant_rate_limits")
      .addColumn("participant_id", "integer", (c) => c.notNull().references("participants.id").onDelete("cascade"))
      .addColumn("api", "text", (c) => c.notNull())
      .addColumn("until_at", "text", (c) => c.notNull())
      .addColumn("set_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("participant_rate_limits_pk", ["participant_id", "api"])
      .execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("participant_rate_limits").execute();
    await db.schema.dropTable("api_pauses").execute();
  },
};
