import type { Kysely } from "kysely";
import { toActivity, type Activity } from "./activities.js";
import { checkLocalDate, chunkRows, fromIso } from "./_values.js";
import type { Database } from "./schema/database.js";
import type { TrackerAccountStatus, TrackerBackend } from "./schema/tracker-accounts.js";

/** One participant of a maintenance batch and the local date that is "today" in their zone. */
export interface MaintenanceBatchItem {
  participantId: number;
  localDate: string;
}

/** A tracker account's expiry, read without decrypting its tokens. */
export interface TrackerAccountExpiry {
  id: number;
  participantId: number;
  backend: TrackerBackend;
  status: TrackerAccountStatus;
  expiresAt: Date;
}

/** A stored occurrence on the participant's given date, as maintenance compares it with WEconnect's. */
export interface StoredDayEvent {
  occurrenceId: string;
  weconnectActivityId: string;
  startsAt: Date;
  endsAt: Date;
  checkedIn: boolean;
}

/** Everything one batch of participants needs for maintenance, by participant id. */
export interface MaintenanceBatch {
  trackerAccounts: Map<number, TrackerAccountExpiry[]>;
  activities: Map<number, Activity[]>;
  /** Events stored for each participant's own `localDate`. */
  events: Map<number, StoredDayEvent[]>;
  /** Participants that already have a day row for their `localDate`. */
  withDay: Set<number>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Reads what maintenance needs for many participants in four queries per chunk of ids (tracker
 * expiries without tokens, stored activities, the events and day rows of each one's local date),
 * instead of several queries per participant.
 * @throws DbError INVALID_INPUT for a malformed local date
 */
export async function loadMaintenanceBatch(db: Kysely<Database>, items: readonly MaintenanceBatchItem[]): Promise<MaintenanceBatch> {
  const batch: MaintenanceBatch = { trackerAccounts: new Map(), activities: new Map(), events: new Map(), withDay: new Set() };
  const dateOf = new Map(items.map((i) => [i.participantId, checkLocalDate(i.localDate)]));
  const dates = [...new Set(dateOf.values())];
  // Dates are few (one per zone in use), so ids take nearly all of a statement's parameters.
  for (const ids of chunkRows([...dateOf.keys()], 1 + dates.length / 1000)) {
    const accounts = await db.selectFrom("tracker_accounts").select(["id", "participant_id", "backend", "status", "expires_at"]).where("participant_id", "in", ids).orderBy("id").execute();
    for (const a of accounts) push(batch.trackerAccounts, a.participant_id, { id: a.id, participantId: a.participant_id, backend: a.backend, status: a.status, expiresAt: fromIso(a.expires_at) });

    const activities = await db.selectFrom("activities").selectAll().where("participant_id", "in", ids).orderBy("participant_id").orderBy("weconnect_activity_id").execute();
    for (const row of activities) push(batch.activities, row.participant_id, toActivity(row));

    const events = await db
      .selectFrom("events as e")
      .innerJoin("activities as a", "a.id", "e.activity_id")
      .select(["e.participant_id", "e.local_date", "e.occurrence_id", "a.weconnect_activity_id", "e.starts_at", "e.ends_at", "e.checked_in"])
      .where("e.participant_id", "in", ids)
      .where("e.local_date", "in", dates)
      .execute();
    for (const e of events) {
      if (dateOf.get(e.participant_id) !== e.local_date) continue;
      push(batch.events, e.participant_id, { occurrenceId: e.occurrence_id, weconnectActivityId: e.weconnect_activity_id, startsAt: fromIso(e.starts_at), endsAt: fromIso(e.ends_at), checkedIn: e.checked_in === 1 });
    }

    const days = await db.selectFrom("days").select(["participant_id", "local_date"]).where("participant_id", "in", ids).where("local_date", "in", dates).execute();
    for (const d of days) if (dateOf.get(d.participant_id) === d.local_date) batch.withDay.add(d.participant_id);
  }
  return batch;
}
