import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";
import { sql } from "kysely";
import { dialectOf } from "../_dialect.js";

/**
 * The study team's dashboard (issue 12): coordinator accounts and their server-side sessions,
 * sign-in failure windows (in the database so every replica counts the same failures), one row
 * per run of either job from any process, and alert state (at most one open alert per condition).
 * Plus the indexes the dashboard's paged lists read by.
 */
export const addDashboard: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    const pg = dialectOf(db) === "postgres";
    const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

    await db.schema
      .createTable("coordinators")
      .addColumn("id", "integer", id)
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'viewer')`))
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("coordinator_sessions")
      .addColumn("id", "integer", id)
      .addColumn("coordinator_id", "integer", (c) => c.notNull().references("coordinators.id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("address", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text")
      .execute();
    await db.schema.createIndex("coordinator_sessions_coordinator_idx").on("coordinator_sessions").column("coordinator_id").execute();

    await db.schema
      .createTable("signin_failures")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("window_started_at", "text", (c) => c.notNull())
      .addColumn("failure_count", "integer", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("job_runs")
      .addColumn("id", "integer", id)
      .addColumn("job", "text", (c) => c.notNull().check(sql`job in ('poll', 'maintenance')`))
      .addColumn("owner", "text")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .addColumn("outcome", "text", (c) => c.check(sql`outcome in ('ok', 'partial', 'failed')`))
      .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("written", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("rate_limited", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("failures_by_code", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("error", "text")
      .execute();
    await db.schema.createIndex("job_runs_job_started_idx").on("job_runs").columns(["job", "started_at"]).execute();

    await db.schema
      .createTable("alerts")
      .addColumn("id", "integer", id)
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("rule", "text", (c) => c.notNull())
      .addColumn("participant_id", "integer")
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("opened_at", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .execute();
    // One open alert per condition: a second replica evaluating the same rule cannot open a twin.
    await db.schema.createIndex("alerts_open_key_idx").on("alerts").column("key").unique().where(sql.ref("resolved_at"), "is", null).execute();
    await db.schema.createIndex("alerts_opened_idx").on("alerts").column("opened_at").execute();

    // The dashboard's lists: participants by state and name, errors by time and code, days by date.
    await db.schema.createIndex("participants_status_name_idx").on("participants").columns(["status", "name"]).execute();
    await db.schema.createIndex("errors_at_idx").on("errors").column("at").execute();
    await db.schema.createIndex("errors_code_at_idx").on("errors").columns(["code", "at"]).execute();
    await db.schema.createIndex("days_local_date_idx").on("days").columns(["local_date", "participant_id"]).execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    for (const index of ["participants_status_name_idx", "errors_at_idx", "errors_code_at_idx", "days_local_date_idx"]) {
      await db.schema.dropIndex(index).execute();
    }
    for (const table of ["alerts", "job_runs", "signin_failures", "coordinator_sessions", "coordinators"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
