import type { Kysely } from "kysely";
import { encryptToken } from "./_crypto.js";
import { inTransaction } from "./_db.js";
import { chunkRows, toIso, toIsoOrNull } from "./_values.js";
import type { ActivityInput } from "./activities.js";
import type { EncryptionKeys } from "./encryption-keys.js";
import { DbError } from "./errors.js";
import type { CreateParticipantInput } from "./participants.js";
import { insertParticipants } from "./participants-bulk.js";
import type { Database } from "./schema/database.js";
import type { TrackerBackend } from "./schema/tracker-accounts.js";
import { trackerTokenAad } from "./tracker-accounts.js";
import { weconnectTokenAad } from "./weconnect-accounts.js";

// Seeding a study of 100,000 participants one `createParticipant` + two account saves at a time
// costs four round trips and three transactions each (minutes on PostgreSQL). This writes a
// batch with a few multi-row INSERTs in one transaction, encrypting tokens exactly as the single
// saves do (same format, same AAD), so the rows are indistinguishable from enrolled ones. The
// participant rows go through insertParticipants, so they are checked the way a roster import is.

/** One participant with accounts and activities for {@link insertParticipantsWithAccounts}. */
export interface BulkParticipantInput extends Omit<CreateParticipantInput, "now"> {
  weconnect?: { personId: string; accessToken: string; tokenExpiresAt?: Date | null };
  tracker?: {
    backend: TrackerBackend;
    externalUserId?: string | null;
    accessToken: string;
    refreshToken?: string | null;
    expiresAt: Date;
    scopes: readonly string[];
  };
  /** Stored with weight 3 unless given. */
  activities?: readonly ActivityInput[];
}

/** What {@link insertParticipantsWithAccounts} inserted. */
export interface BulkInsertResult {
  /** The new participants' ids, in the order of the input. */
  participantIds: number[];
  weconnectAccounts: number;
  trackerAccounts: number;
  activities: number;
}

const BACKENDS: readonly TrackerBackend[] = ["google-health", "fitbit-legacy"];

function refuse(index: number, message: string): never {
  throw new DbError("INVALID_INPUT", `inputs[${index}]: ${message} Nothing of the batch was written.`, { table: "participants" });
}

// The participant fields are checked by insertParticipants; these are the rest, checked before anything is written.
function checkAccountsAndActivities(p: BulkParticipantInput, index: number): void {
  if (p.weconnect && (typeof p.weconnect.accessToken !== "string" || p.weconnect.accessToken === "")) refuse(index, "a WEconnect access token must be a non-empty string.");
  if (p.tracker) {
    if (!BACKENDS.includes(p.tracker.backend)) refuse(index, `unknown tracker backend "${String(p.tracker.backend)}"; use google-health or fitbit-legacy.`);
    if (typeof p.tracker.accessToken !== "string" || p.tracker.accessToken === "") refuse(index, "a tracker access token must be a non-empty string.");
  }
  for (const a of p.activities ?? []) {
    if (typeof a.weconnectActivityId !== "string" || a.weconnectActivityId === "") refuse(index, "weconnectActivityId must be a non-empty string (convert WEconnect's number with String()).");
    if (!Number.isInteger(a.durationMinutes) || a.durationMinutes < 0) refuse(index, `durationMinutes of activity ${a.weconnectActivityId} must be a non-negative integer.`);
    const weight = a.weight ?? 3;
    if (!Number.isInteger(weight) || weight < 1 || weight > 5) refuse(index, `the weight of activity ${a.weconnectActivityId} must be an integer from 1 to 5.`);
  }
}

/**
 * Inserts many new participants with their WEconnect account, tracker account and activities in
 * one transaction, a few multi-row INSERTs per table (chunked under both dialects' parameter
 * limits). Tokens are encrypted with the current key like `saveWeconnectAccount` and
 * `saveTrackerAccount` do. Meant for imports and benchmarks; call it with a few thousand
 * participants at a time to keep each transaction short.
 * @throws DbError INVALID_INPUT (checked before anything is written), KEY_MISSING when tokens are given without keys, CONFLICT when a name is taken (nothing of the batch is written)
 * @example
 * const { participantIds } = await insertParticipantsWithAccounts(db, keys, [
 *   { name: "p1", timeZone: "Europe/Berlin", enrollmentStart: "2026-11-20", status: "active", weconnect: { personId: "1001", accessToken }, tracker: { backend: "google-health", accessToken, refreshToken, expiresAt, scopes } },
 * ]);
 */
export async function insertParticipantsWithAccounts(
  db: Kysely<Database>,
  keys: EncryptionKeys | undefined,
  participants: readonly BulkParticipantInput[],
  now: Date = new Date(),
): Promise<BulkInsertResult> {
  const at = toIso(now, "now");
  participants.forEach(checkAccountsAndActivities);
  if (participants.length === 0) return { participantIds: [], weconnectAccounts: 0, trackerAccounts: 0, activities: 0 };

  return inTransaction(db, async (trx) => {
    // Checks the participant fields before its first INSERT; CONFLICT for a taken or repeated name.
    const inserted = await insertParticipants(trx, participants, now);
    const participantIds = inserted.map((p) => p.id);

    const weconnectRows = participants.flatMap((p, i) => {
      const id = participantIds[i] as number;
      if (!p.weconnect) return [];
      return [{
        participant_id: id,
        person_id: String(p.weconnect.personId),
        access_token: encryptToken(keys, p.weconnect.accessToken, weconnectTokenAad(id)),
        token_expires_at: toIsoOrNull(p.weconnect.tokenExpiresAt, "tokenExpiresAt"),
        status: "active" as const,
        created_at: at,
        updated_at: at,
      }];
    });
    for (const chunk of chunkRows(weconnectRows, 7)) await trx.insertInto("weconnect_accounts").values(chunk).execute();

    const trackerRows = participants.flatMap((p, i) => {
      const id = participantIds[i] as number;
      const t = p.tracker;
      if (!t) return [];
      return [{
        participant_id: id,
        backend: t.backend,
        external_user_id: t.externalUserId ?? null,
        access_token: encryptToken(keys, t.accessToken, trackerTokenAad("access_token", id, t.backend)),
        refresh_token: t.refreshToken ? encryptToken(keys, t.refreshToken, trackerTokenAad("refresh_token", id, t.backend)) : null,
        expires_at: toIso(t.expiresAt, "expiresAt"),
        scopes: t.scopes.join(" "),
        version: 1,
        status: "active" as const,
        status_reason: null,
        created_at: at,
        updated_at: at,
      }];
    });
    for (const chunk of chunkRows(trackerRows, 12)) await trx.insertInto("tracker_accounts").values(chunk).execute();

    const activityRows = participants.flatMap((p, i) =>
      (p.activities ?? []).map((a) => ({
        participant_id: participantIds[i] as number,
        weconnect_activity_id: a.weconnectActivityId,
        name: a.name,
        starts_at: toIso(a.startsAt, "startsAt"),
        duration_minutes: a.durationMinutes,
        repeat: a.repeat,
        repeat_ends_at: toIsoOrNull(a.repeatEndsAt, "repeatEndsAt"),
        modified_at: toIso(a.modifiedAt, "modifiedAt"),
        weight: a.weight ?? 3,
        expires_at: toIsoOrNull(a.expiresAt, "expiresAt"),
        created_at: at,
        updated_at: at,
      })),
    );
    for (const chunk of chunkRows(activityRows, 12)) await trx.insertInto("activities").values(chunk).execute();

    return { participantIds, weconnectAccounts: weconnectRows.length, trackerAccounts: trackerRows.length, activities: activityRows.length };
  });
}
