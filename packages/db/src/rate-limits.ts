import type { Kysely } from "kysely";
import { fromIso, toIso } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";

/** `api_pauses`: an API family paused until `until_at` (migration 080). */
export interface ApiPausesTable {
  api: string;
  until_at: string;
  set_at: string;
}

/** `participant_rate_limits`: one participant postponed on one API family (migration 080). */
export interface ParticipantRateLimitsTable {
  participant_id: number;
  api: string;
  until_at: string;
  set_at: string;
}

type WithRateLimits = Database & { api_pauses: ApiPausesTable; participant_rate_limits: ParticipantRateLimitsTable };

/** An API family paused until `until`. */
export interface ApiPause {
  api: string;
  until: Date;
}

/** A participant postponed on one API family until `until`. */
export interface ParticipantRateLimit {
  participantId: number;
  api: string;
  until: Date;
}

/** The pauses and postponements still in force. */
export interface RateLimits {
  apis: ApiPause[];
  participants: ParticipantRateLimit[];
}

const API = /^[a-z][a-z0-9-]{0,31}$/;
const tables = (db: Kysely<Database>) =>
  db.withTables<{ api_pauses: ApiPausesTable; participant_rate_limits: ParticipantRateLimitsTable }>() as unknown as Kysely<WithRateLimits>;

function checkApi(api: string): string {
  if (typeof api !== "string" || !API.test(api)) {
    throw new DbError("INVALID_INPUT", `api must be a lower-case API family name such as "tracker", got ${JSON.stringify(String(api)).slice(0, 40)}.`);
  }
  return api;
}

/**
 * Pause an API family until `until`. A pause already reaching further is kept: two processes
 * that both saw the burst never shorten each other's wait.
 * @throws DbError INVALID_INPUT
 */
export async function saveApiPause(db: Kysely<Database>, input: { api: string; until: Date; now: Date }): Promise<void> {
  const api = checkApi(input.api);
  const untilIso = toIso(input.until, "until");
  await tables(db)
    .insertInto("api_pauses")
    .values({ api, until_at: untilIso, set_at: toIso(input.now, "now") })
    .onConflict((oc) => oc.column("api").doUpdateSet({ until_at: untilIso, set_at: toIso(input.now, "now") }).where("api_pauses.until_at", "<", untilIso))
    .execute();
}

/**
 * Postpone one participant on one API family until `until` (a later postponement is kept).
 * @throws DbError INVALID_INPUT; a foreign-key error when the participant does not exist
 */
export async function saveParticipantRateLimit(db: Kysely<Database>, input: { participantId: number; api: string; until: Date; now: Date }): Promise<void> {
  const api = checkApi(input.api);
  if (!Number.isInteger(input.participantId) || input.participantId <= 0) {
    throw new DbError("INVALID_INPUT", "participantId must be a positive integer.", { table: "participant_rate_limits" });
  }
  const untilIso = toIso(input.until, "until");
  await tables(db)
    .insertInto("participant_rate_limits")
    .values({ participant_id: input.participantId, api, until_at: untilIso, set_at: toIso(input.now, "now") })
    .onConflict((oc) =>
      oc
        .columns(["participant_id", "api"])
        .doUpdateSet({ until_at: untilIso, set_at: toIso(input.now, "now") })
        .where("participant_rate_limits.until_at", "<", untilIso),
    )
    .execute();
}

/**
 * The pauses and postponements still in force at `now`; rows that have run out are deleted
 * first, so the tables hold only live waits.
 */
export async function loadRateLimits(db: Kysely<Database>, input: { now: Date }): Promise<RateLimits> {
  const nowIso = toIso(input.now, "now");
  const t = tables(db);
  await t.deleteFrom("api_pauses").where("until_at", "<=", nowIso).execute();
  await t.deleteFrom("participant_rate_limits").where("until_at", "<=", nowIso).execute();
  const apis = await t.selectFrom("api_pauses").select(["api", "until_at"]).orderBy("api").execute();
  const participants = await t.selectFrom("participant_rate_limits").select(["participant_id", "api", "until_at"]).orderBy("participant_id").orderBy("api").execute();
  return {
    apis: apis.map((r) => ({ api: r.api, until: fromIso(r.until_at) })),
    participants: participants.map((r) => ({ participantId: Number(r.participant_id), api: r.api, until: fromIso(r.until_at) })),
  };
}
