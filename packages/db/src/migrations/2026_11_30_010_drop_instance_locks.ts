import type { Kysely, Migration } from "kysely";

/**
 * Drops `instance_locks`: nothing took those locks (the daemon keeps one replica per SQLite file
 * with a lock file of its own, and replicas on PostgreSQL share work through `leases`).
 */
export const dropInstanceLocks: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("instance_locks").ifExists().execute();
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async down(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("instance_locks")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("until_at", "text", (c) => c.notNull())
      .execute();
  },
};
