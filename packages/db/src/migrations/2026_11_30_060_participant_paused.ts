import type { Kysely, Migration } from "kysely";

/**
 * Adds `participants.paused_at`: staff can pause a participant (issue 12's dashboard) without
 * changing their status. A column rather than a new status, because widening the status CHECK
 * constraint would mean rebuilding the table on SQLite. Null while not paused.
 */
export const addParticipantPaused: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable("participants").addColumn("paused_at", "text").execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable("participants").dropColumn("paused_at").execute();
  },
};
