import type { Kysely, Migration } from "kysely";

/**
 * Adds `tracker_refresh_locks`: one lease row per tracker account, held from before a token
 * refresh request until its answer is committed, plus the "refresh in flight" record (which
 * refresh token was sent, when) a process finds after a crash (issue 16).
 */
export const createTrackerRefreshLocks: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("tracker_refresh_locks")
      .addColumn("account_id", "integer", (c) => c.primaryKey().references("tracker_accounts.id").onDelete("cascade"))
      .addColumn("owner", "text")
      .addColumn("until_at", "text", (c) => c.notNull())
      .addColumn("in_flight_token", "text")
      .addColumn("in_flight_at", "text")
      .execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("tracker_refresh_locks").execute();
  },
};
