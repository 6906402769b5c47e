import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from "kysely";
import { dialectOf } from "../_dialect.js";

// Instants are TEXT (ISO-8601 UTC), booleans INTEGER 0/1 on both dialects: see _values.ts.

/** Creates participants, accounts, activities, events, days, audit_log and errors. */
export const createTables: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  async up(db: Kysely<any>): Promise<void> {
    const pg = dialectOf(db) === "postgres";
    const id = (c: ColumnDefinitionBuilder) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();
    const owner = (c: ColumnDefinitionBuilder) => c.notNull().references("participants.id").onDelete("cascade");

    await db.schema
      .createTable("participants")
      .addColumn("id", "integer", id)
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("time_zone", "text", (c) => c.notNull())
      .addColumn("enrollment_start", "text", (c) => c.notNull())
      .addColumn("enrollment_end", "text")
      .addColumn("status", "text", (c) =>
        c.notNull().check(sql`status in ('active', 'needs-weconnect-signin', 'needs-tracker-consent', 'needs-google-health', 'ended')`),
      )
      .addColumn("mapping", "text", (c) => c.notNull().check(sql`mapping in ('seed', 'plan', 'weight', 'tally', 'charge')`))
      .addColumn("goal_steps", "integer", (c) => c.notNull().check(sql`goal_steps >= 0`))
      .addColumn("steps_per_unit", "integer", (c) => c.notNull().check(sql`steps_per_unit >= 0`))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("weconnect_accounts")
      .addColumn("id", "integer", id)
      .addColumn("participant_id", "integer", (c) => owner(c).unique())
      .addColumn("person_id", "text", (c) => c.notNull())
      .addColumn("access_token", "text", (c) => c.notNull())
      .addColumn("token_expires_at", "text")
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'reauth-required')`))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("tracker_accounts")
      .addColumn("id", "integer", id)
      .addColumn("participant_id", "integer", owner)
      .addColumn("backend", "text", (c) => c.notNull().check(sql`backend in ('google-health', 'fitbit-legacy')`))
      .addColumn("external_user_id", "text")
      .addColumn("access_token", "text", (c) => c.notNull())
      .addColumn("refresh_token", "text")
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'reauth-required', 'api-gone')`))
      .addColumn("status_reason", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addUniqueConstraint("tracker_accounts_participant_backend_key", ["participant_id", "backend"])
      .execute();

    await db.schema
      .createTable("activities")
      .addColumn("id", "integer", id)
      .addColumn("participant_id", "integer", owner)
      .addColumn("weconnect_activity_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("starts_at", "text", (c) => c.notNull())
      .addColumn("duration_minutes", "integer", (c) => c.notNull())
      .addColumn("repeat", "text", (c) => c.notNull())
      .addColumn("repeat_ends_at", "text")
      .addColumn("modified_at", "text", (c) => c.notNull())
      .addColumn("weight", "integer", (c) => c.notNull().defaultTo(3).check(sql`weight between 1 and 5`))
      .addColumn("expires_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addUniqueConstraint("activities_participant_weconnect_key", ["participant_id", "weconnect_activity_id"])
      .execute();

    await db.schema
      .createTable("events")
      .addColumn("id", "integer", id)
      .addColumn("participant_id", "integer", owner)
      .addColumn("activity_id", "integer", (c) => c.notNull().references("activities.id").onDelete("cascade"))
      .addColumn("occurrence_id", "text", (c) => c.notNull())
      .addColumn("local_date", "text", (c) => c.notNull())
      .addColumn("starts_at", "text", (c) => c.notNull())
      .addColumn("ends_at", "text", (c) => c.notNull())
      .addColumn("checked_in", "integer", (c) => c.notNull().check(sql`checked_in in (0, 1)`))
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addUniqueConstraint("events_activity_occurrence_key", ["activity_id", "occurrence_id"])
      .execute();

    await db.schema
      .createTable("days")
      .addColumn("id", "integer", id)
      .addColumn("participant_id", "integer", owner)
      .addColumn("local_date", "text", (c) => c.notNull())
      .addColumn("planned_count", "integer", (c) => c.notNull())
      .addColumn("completed_count", "integer", (c) => c.notNull())
      .addColumn("daily_progress", "double precision", (c) => c.notNull())
      .addColumn("weekly_progress", "double precision", (c) => c.notNull())
      .addColumn("desired_steps", "integer")
      .addColumn("desired_label", "text")
      .addColumn("confirmed_steps", "integer")
      .addColumn("confirmed_label", "text")
      .addColumn("entry_backend", "text")
      .addColumn("entry_id", "text")
      .addColumn("write_state", "text", (c) => c.notNull().check(sql`write_state in ('pending', 'confirmed')`))
      .addColumn("pending_at", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addUniqueConstraint("days_participant_date_key", ["participant_id", "local_date"])
      .execute();

    await db.schema
      .createTable("audit_log")
      .addColumn("id", "integer", id)
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("participant_id", "integer")
      .addColumn("participant_name", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("local_date", "text")
      .addColumn("daily_progress", "double precision")
      .addColumn("weekly_progress", "double precision")
      .addColumn("steps", "integer")
      .addColumn("backend", "text")
      .addColumn("entry_id", "text")
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("detail", "text")
      .execute();

    await db.schema
      .createTable("errors")
      .addColumn("id", "integer", id)
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("participant_id", "integer", (c) => c.references("participants.id").onDelete("cascade"))
      .addColumn("origin", "text", (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .execute();
  },

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  async down(db: Kysely<any>): Promise<void> {
    for (const table of ["errors", "audit_log", "days", "events", "activities", "tracker_accounts", "weconnect_accounts", "participants"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
