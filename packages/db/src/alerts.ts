import type { Generated, Kysely } from "kysely";
import { isUniqueViolation } from "./_db.js";
import { fromIso, fromIsoOrNull, toIso, truncate } from "./_values.js";
import type { Database } from "./schema/database.js";

/** `alerts`: one row per time a condition was open; at most one open row per `key`. */
export interface AlertsTable {
  id: Generated<number>;
  /** The condition, e.g. `tracker-token:12`, `job-stale:poll`. */
  key: string;
  /** The rule that raised it, e.g. `tracker-token-dead`. */
  rule: string;
  participant_id: number | null;
  message: string;
  opened_at: string;
  resolved_at: string | null;
}

/** The table this module adds to `Database`. */
export type AlertTables = { alerts: AlertsTable };

/** One alert. */
export interface AlertRecord {
  id: number;
  key: string;
  rule: string;
  participantId: number | null;
  message: string;
  openedAt: Date;
  resolvedAt: Date | null;
}

/** A condition that holds now. */
export interface AlertCondition {
  key: string;
  rule: string;
  participantId: number | null;
  message: string;
}

/** What `syncAlerts` changed. */
export interface SyncAlertsResult {
  opened: AlertRecord[];
  resolved: AlertRecord[];
}

const tables = (db: Kysely<Database>) => db.withTables<AlertTables>();
type Row = { id: number; key: string; rule: string; participant_id: number | null; message: string; opened_at: string; resolved_at: string | null };
const toAlert = (row: Row): AlertRecord => ({
  id: row.id,
  key: row.key,
  rule: row.rule,
  participantId: row.participant_id,
  message: row.message,
  openedAt: fromIso(row.opened_at),
  resolvedAt: fromIsoOrNull(row.resolved_at),
});

/**
 * Makes the open alerts equal the conditions that hold: opens one row per new key and resolves
 * open rows whose key no longer holds. Only `rules` are compared, so an evaluation of some rules
 * leaves others' alerts alone. A twin opened concurrently by another replica is skipped (the
 * unique partial index on open keys), so every condition is reported once. Call it outside a
 * transaction: on PostgreSQL that skipped insert would abort the caller's transaction.
 */
export async function syncAlerts(db: Kysely<Database>, input: { rules: readonly string[]; holding: readonly AlertCondition[]; now: Date }): Promise<SyncAlertsResult> {
  const at = toIso(input.now, "now");
  const opened: AlertRecord[] = [];
  const resolved: AlertRecord[] = [];
  if (input.rules.length === 0) return { opened, resolved };
  const open = (await tables(db).selectFrom("alerts").selectAll().where("resolved_at", "is", null).where("rule", "in", [...input.rules]).execute()).map(toAlert);
  const openKeys = new Set(open.map((a) => a.key));
  const holdingKeys = new Set(input.holding.map((c) => c.key));
  for (const alert of open) {
    if (holdingKeys.has(alert.key)) continue;
    const row = await tables(db).updateTable("alerts").set({ resolved_at: at }).where("id", "=", alert.id).where("resolved_at", "is", null).returningAll().executeTakeFirst();
    if (row) resolved.push(toAlert(row));
  }
  for (const condition of input.holding) {
    if (openKeys.has(condition.key)) continue;
    openKeys.add(condition.key);
    try {
      const row = await tables(db)
        .insertInto("alerts")
        .values({ key: condition.key, rule: condition.rule, participant_id: condition.participantId, message: truncate(condition.message, 500), opened_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
      opened.push(toAlert(row));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return { opened, resolved };
}

/** Open alerts, oldest first. */
export async function listOpenAlertRecords(db: Kysely<Database>): Promise<AlertRecord[]> {
  return (await tables(db).selectFrom("alerts").selectAll().where("resolved_at", "is", null).orderBy("opened_at").orderBy("id").execute()).map(toAlert);
}
