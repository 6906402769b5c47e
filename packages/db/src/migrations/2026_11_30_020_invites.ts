import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";
import { dialectOf } from "../_dialect.js";

/**
 * Adds `invites`: personal enrolment links (issue 11). Only a SHA-256 of each link's secret is
 * kept; the sign-in attempt window lives on the row so the rate limit survives restarts and is
 * shared by every replica.
 */
export const addInvites: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    const pg = dialectOf(db) === "postgres";
    const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
    await db.schema
      .createTable("invites")
      .addColumn("id", "integer", id)
      .addColumn("participant_id", "integer", (c) => c.notNull().references("participants.id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .addColumn("opened_at", "text")
      .addColumn("completed_at", "text")
      .addColumn("attempt_window_started_at", "text")
      .addColumn("attempt_count", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex("invites_participant_idx").on("invites").columns(["participant_id", "created_at"]).execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("invites").execute();
  },
};
