import type { Kysely, Migration } from "kysely";

/** Adds leases, instance locks and the indexes the poll, maintenance and staff views read by. */
export const addLeasesAndIndexes: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("leases")
      .addColumn("participant_id", "integer", (c) => c.notNull().references("participants.id").onDelete("cascade"))
      .addColumn("job", "text", (c) => c.notNull())
      .addColumn("owner", "text")
      .addColumn("until_at", "text", (c) => c.notNull())
      .addColumn("claimed_at", "text")
      .addPrimaryKeyConstraint("leases_pkey", ["participant_id", "job"])
      .execute();
    await db.schema
      .createTable("instance_locks")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("until_at", "text", (c) => c.notNull())
      .execute();

    await db.schema.createIndex("events_participant_date_idx").on("events").columns(["participant_id", "local_date"]).execute();
    await db.schema.createIndex("activities_expires_at_idx").on("activities").column("expires_at").execute();
    await db.schema.createIndex("days_write_state_idx").on("days").columns(["write_state", "participant_id"]).execute();
    await db.schema.createIndex("audit_log_participant_at_idx").on("audit_log").columns(["participant_id", "at"]).execute();
    await db.schema.createIndex("audit_log_at_idx").on("audit_log").column("at").execute();
    await db.schema.createIndex("errors_participant_at_idx").on("errors").columns(["participant_id", "at"]).execute();
    await db.schema.createIndex("leases_job_until_idx").on("leases").columns(["job", "until_at"]).execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    for (const index of [
      "events_participant_date_idx",
      "activities_expires_at_idx",
      "days_write_state_idx",
      "audit_log_participant_at_idx",
      "audit_log_at_idx",
      "errors_participant_at_idx",
    ]) {
      await db.schema.dropIndex(index).execute();
    }
    await db.schema.dropTable("instance_locks").execute();
    await db.schema.dropTable("leases").execute();
  },
};
