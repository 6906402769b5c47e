import type { Kysely } from "kysely";
import { toActivity, type Activity } from "./activities.js";
import { listEventsOn } from "./events.js";
import { checkLocalDate, chunkRows, fromIso, fromIsoOrNull, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";
import type { ParticipantStatus, ProgressMapping } from "./schema/participants.js";
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

    for (const [participantId, events] of await listEventsOn(db, ids.map((id) => ({ participantId: id, localDate: dateOf.get(id)! })))) {
      if (events.length > 0) batch.events.set(participantId, events);
    }

    const days = await db.selectFrom("days").select(["participant_id", "local_date"]).where("participant_id", "in", ids).where("local_date", "in", dates).execute();
    for (const d of days) if (dateOf.get(d.participant_id) === d.local_date) batch.withDay.add(d.participant_id);
  }
  return batch;
}

/** Which participants a maintenance page query reads: keyset pagination, optionally within given ids. */
export interface MaintenancePageQuery {
  /** Only ids above this one (the last id of the previous page; 0 for the first). */
  afterId: number;
  /** At most this many rows. */
  limit: number;
  /** Only these participants (any number: they are sent in chunks). */
  ids?: readonly number[];
}

/**
 * A participant maintenance works on, with their WEconnect link. The token is still sealed as
 * stored: open it with `openWeconnectToken` when the participant is processed, so a page of
 * participants never holds a thousand plaintext tokens (issue 17).
 */
export interface MaintenanceParticipant {
  id: number;
  name: string;
  timeZone: string;
  status: ParticipantStatus;
  mapping: ProgressMapping;
  goalSteps: number;
  stepsPerUnit: number;
  createdAt: Date;
  weconnect: { personId: string; tokenExpiresAt: Date | null; sealedToken: string };
}

/** A profile missing an account, as maintenance removes it after the grace period. */
export interface IncompleteProfile {
  id: number;
  name: string;
  /** Whether the WEconnect link exists (then the tracker account is what is missing). */
  hasWeconnect: boolean;
}

/** Run `read` over `query.ids` (sorted, above `afterId`) a chunk at a time until `limit` rows came back, or once without ids. */
async function keysetPage<R extends { id: number }>(query: MaintenancePageQuery, read: (ids: number[] | undefined, limit: number) => Promise<R[]>): Promise<R[]> {
  if (!Number.isInteger(query.afterId) || !Number.isInteger(query.limit) || query.limit < 1) {
    throw new DbError("INVALID_INPUT", `A page needs an integer afterId and a limit of at least 1, got afterId ${String(query.afterId)}, limit ${String(query.limit)}.`);
  }
  if (!query.ids) return read(undefined, query.limit);
  const ids = [...new Set(query.ids)].filter((id) => id > query.afterId).sort((a, b) => a - b);
  const rows: R[] = [];
  for (const chunk of chunkRows(ids, 1)) {
    rows.push(...(await read(chunk, query.limit - rows.length)));
    if (rows.length >= query.limit) break;
  }
  return rows;
}

/**
 * One page of the participants maintenance works on, by id after `afterId`: not paused, not
 * ended, with a WEconnect link and at least one tracker account (the incomplete ones are
 * `listIncompleteProfiles`'). One query per page (per chunk of `ids`); no token is decrypted.
 * @throws DbError INVALID_INPUT for a malformed page query
 */
export async function listMaintenanceParticipants(db: Kysely<Database>, query: MaintenancePageQuery): Promise<MaintenanceParticipant[]> {
  return keysetPage(query, async (ids, limit) => {
    let q = db
      .selectFrom("participants as p")
      .innerJoin("weconnect_accounts as w", "w.participant_id", "p.id")
      .select(["p.id", "p.name", "p.time_zone", "p.status", "p.mapping", "p.goal_steps", "p.steps_per_unit", "p.created_at", "w.person_id", "w.token_expires_at", "w.access_token"])
      .where("p.id", ">", query.afterId)
      .where("p.paused_at", "is", null)
      .where("p.status", "<>", "ended")
      .where((eb) => eb.exists(eb.selectFrom("tracker_accounts as t").select("t.id").whereRef("t.participant_id", "=", "p.id")));
    if (ids) q = q.where("p.id", "in", ids);
    const rows = await q.orderBy("p.id").limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      timeZone: r.time_zone,
      status: r.status,
      mapping: r.mapping,
      goalSteps: r.goal_steps,
      stepsPerUnit: r.steps_per_unit,
      createdAt: fromIso(r.created_at),
      weconnect: { personId: r.person_id, tokenExpiresAt: fromIsoOrNull(r.token_expires_at), sealedToken: r.access_token },
    }));
  });
}

/** How many participants `listMaintenanceParticipants` walks through (for a progress total), in one query per chunk of `ids`. */
export async function countMaintenanceParticipants(db: Kysely<Database>, filter: { ids?: readonly number[] } = {}): Promise<number> {
  const countIn = async (ids: number[] | undefined) => {
    let q = db
      .selectFrom("participants as p")
      .innerJoin("weconnect_accounts as w", "w.participant_id", "p.id")
      .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
      .where("p.paused_at", "is", null)
      .where("p.status", "<>", "ended")
      .where((eb) => eb.exists(eb.selectFrom("tracker_accounts as t").select("t.id").whereRef("t.participant_id", "=", "p.id")));
    if (ids) q = q.where("p.id", "in", ids);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  if (!filter.ids) return countIn(undefined);
  let total = 0;
  for (const chunk of chunkRows([...new Set(filter.ids)], 1)) total += await countIn(chunk);
  return total;
}

/**
 * One page of the profiles created before `createdBefore` that lack a WEconnect link or any
 * tracker account, paused and ended ones included: maintenance removes them once past the grace
 * period (docs/original-system.md#bug-17-half-enrolled-users-deleted). Keyset-paged like
 * `listMaintenanceParticipants`, so a large backlog is never read at once.
 * @throws DbError INVALID_INPUT for a malformed page query or date
 */
export async function listIncompleteProfiles(db: Kysely<Database>, query: MaintenancePageQuery & { createdBefore: Date }): Promise<IncompleteProfile[]> {
  const before = toIso(query.createdBefore, "createdBefore");
  return keysetPage(query, async (ids, limit) => {
    let q = db
      .selectFrom("participants as p")
      .select((eb) => ["p.id", "p.name", eb.exists(eb.selectFrom("weconnect_accounts as w").select("w.id").whereRef("w.participant_id", "=", "p.id")).as("has_weconnect")])
      .where("p.id", ">", query.afterId)
      .where("p.created_at", "<", before)
      .where((eb) =>
        eb.or([
          eb.not(eb.exists(eb.selectFrom("weconnect_accounts as w").select("w.id").whereRef("w.participant_id", "=", "p.id"))),
          eb.not(eb.exists(eb.selectFrom("tracker_accounts as t").select("t.id").whereRef("t.participant_id", "=", "p.id"))),
        ]),
      );
    if (ids) q = q.where("p.id", "in", ids);
    const rows = await q.orderBy("p.id").limit(limit).execute();
    // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
    return rows.map((r) => ({ id: r.id, name: r.name, hasWeconnect: Boolean(r.has_weconnect) }));
  });
}
