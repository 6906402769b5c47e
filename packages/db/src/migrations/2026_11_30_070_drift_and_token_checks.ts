import type { Kysely, Migration } from "kysely";

/**
 * Adds `drift_checks` (when each participant's local day was last read back from the tracker
 * and what was found, issue 15 item 3) and `token_checks` (when a flagged participant's stored
 * token was last tried, so the automatic restore of issue 15 item 4 runs at most once an hour).
 * Both go with their participant (cascade) and hold no token.
 */
export const addDriftAndTokenChecks: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("drift_checks")
      .addColumn("participant_id", "integer", (c) => c.notNull().references("participants.id").onDelete("cascade"))
      .addColumn("local_date", "text", (c) => c.notNull())
      .addColumn("checked_at", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("found_steps", "integer")
      .addPrimaryKeyConstraint("drift_checks_pk", ["participant_id", "local_date"])
      .execute();
    await db.schema
      .createTable("token_checks")
      .addColumn("participant_id", "integer", (c) => c.primaryKey().references("participants.id").onDelete("cascade"))
      .addColumn("checked_at", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("token_checks").execute();
    await db.schema.dropTable("drift_checks").execute();
  },
};
