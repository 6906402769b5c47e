import type { Kysely } from "kysely";
import { dialectOf } from "./_dialect.js";
import { inTransaction } from "./_db.js";
import { fromIsoOrNull, toIso, truncate } from "./_values.js";
import { DbError } from "./errors.js";
import type { Database } from "./schema/database.js";
import type { ParticipantStatus } from "./schema/participants.js";
import type { TrackerAccountStatus, TrackerBackend } from "./schema/tracker-accounts.js";

/** `token_checks` (migration 070): when a flagged participant's stored token was last tried. */
export interface TokenChecksTable {
  participant_id: number;
  checked_at: string;
  /** `works`, `refused` or `failed` (could not tell). */
  outcome: string;
}

type WithChecks = Database & { token_checks: TokenChecksTable };
const withChecks = (db: Kysely<Database>) => db.withTables<{ token_checks: TokenChecksTable }>() as unknown as Kysely<WithChecks>;

/** How a token check ended: the token works, the service refused it, or it could not tell (network, 5xx). */
export type TokenCheckOutcome = "works" | "refused" | "failed";

/** A participant flagged for sign-in or consent whose stored token may be tried again. */
export interface RestoreCandidate {
  participantId: number;
  name: string;
  status: Extract<ParticipantStatus, "needs-weconnect-signin" | "needs-tracker-consent">;
  /** The participant's tracker accounts (for the tracker restore: which one, and why it was flagged). */
  trackerAccounts: Array<{ id: number; backend: TrackerBackend; status: TrackerAccountStatus; statusReason: string | null }>;
  lastCheckedAt: Date | null;
}

/**
 * Unpaused participants in `needs-weconnect-signin` (with a stored WEconnect token that has not
 * run out) or `needs-tracker-consent` (with a flagged tracker account), whose token was never
 * tried or last tried at or before `checkedBefore`; least recently tried first, at most `limit`.
 * @throws DbError INVALID_INPUT
 */
export async function listRestoreCandidates(db: Kysely<Database>, input: { now: Date; checkedBefore: Date; limit: number }): Promise<RestoreCandidate[]> {
  if (!(Number.isInteger(input.limit) && input.limit >= 0)) throw new DbError("INVALID_INPUT", `limit must be a non-negative integer, got ${input.limit}.`, { table: "token_checks" });
  if (input.limit === 0) return [];
  const now = toIso(input.now, "now");
  const before = toIso(input.checkedBefore, "checkedBefore");
  const rows = await withChecks(db)
    .selectFrom("participants as p")
    .leftJoin("token_checks as c", "c.participant_id", "p.id")
    .select(["p.id", "p.name", "p.status", "c.checked_at"])
    .where("p.paused_at", "is", null)
    .where((eb) => eb.or([eb("c.checked_at", "is", null), eb("c.checked_at", "<=", before)]))
    .where((eb) =>
      eb.or([
        eb.and([
          eb("p.status", "=", "needs-weconnect-signin"),
          eb.exists(
            eb
              .selectFrom("weconnect_accounts as w")
              .select("w.id")
              .whereRef("w.participant_id", "=", "p.id")
              .where((w) => w.or([w("w.token_expires_at", "is", null), w("w.token_expires_at", ">", now)])),
          ),
        ]),
        eb.and([
          eb("p.status", "=", "needs-tracker-consent"),
          eb.exists(eb.selectFrom("tracker_accounts as t").select("t.id").whereRef("t.participant_id", "=", "p.id").where("t.status", "=", "reauth-required")),
        ]),
      ]),
    )
    .orderBy((eb) => eb.fn.coalesce("c.checked_at", eb.val("")))
    .orderBy("p.id")
    .limit(input.limit)
    .execute();
  if (rows.length === 0) return [];
  const accounts = await db
    .selectFrom("tracker_accounts")
    .select(["id", "participant_id", "backend", "status", "status_reason"])
    .where(
      "participant_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    participantId: r.id,
    name: r.name,
    status: r.status as RestoreCandidate["status"],
    trackerAccounts: accounts.filter((a) => a.participant_id === r.id).map((a) => ({ id: a.id, backend: a.backend, status: a.status, statusReason: a.status_reason })),
    lastCheckedAt: fromIsoOrNull(r.checked_at),
  }));
}

/** Remembers that the participant's stored token was tried now, and how it went. */
export async function recordTokenCheck(db: Kysely<Database>, input: { participantId: number; outcome: TokenCheckOutcome; now: Date }): Promise<void> {
  const at = toIso(input.now, "now");
  await withChecks(db)
    .insertInto("token_checks")
    .values({ participant_id: input.participantId, checked_at: at, outcome: input.outcome })
    .onConflict((oc) => oc.column("participant_id").doUpdateSet({ checked_at: at, outcome: input.outcome }))
    .execute();
}

/**
 * A `needs-weconnect-signin` participant whose stored WEconnect token was shown to work: the
 * WEconnect account goes back to `active`, the participant to `active` (or `needs-tracker-consent`
 * when no tracker account is active), and a `status-restored` audit row says why, in one
 * transaction (the row locked on PostgreSQL). Nothing changes when the participant is no longer
 * in `needs-weconnect-signin` (signed in meanwhile, ended, removed).
 * @returns the new status, or null when nothing was changed
 */
export async function restoreWeconnectSignin(db: Kysely<Database>, input: { participantId: number; reason: string; now: Date }): Promise<ParticipantStatus | null> {
  const at = toIso(input.now, "now");
  return inTransaction(db, async (trx) => {
    let read = trx.selectFrom("participants").select(["status", "name"]).where("id", "=", input.participantId);
    if (dialectOf(trx) === "postgres") read = read.forUpdate();
    const current = await read.executeTakeFirst();
    if (!current || current.status !== "needs-weconnect-signin") return null;
    await trx.updateTable("weconnect_accounts").set({ status: "active", updated_at: at }).where("participant_id", "=", input.participantId).execute();
    const activeTracker = await trx.selectFrom("tracker_accounts").select("id").where("participant_id", "=", input.participantId).where("status", "=", "active").executeTakeFirst();
    const next: ParticipantStatus = activeTracker ? "active" : "needs-tracker-consent";
    await trx.updateTable("participants").set({ status: next, updated_at: at }).where("id", "=", input.participantId).execute();
    await trx
      .insertInto("audit_log")
      .values({
        at,
        participant_id: input.participantId,
        participant_name: current.name,
        action: "status-restored",
        local_date: null,
        daily_progress: null,
        weekly_progress: null,
        steps: null,
        backend: null,
        entry_id: null,
        outcome: "ok",
        detail: truncate(`needs-weconnect-signin → ${next}: ${input.reason}`, 1000),
      })
      .execute();
    return next;
  });
}
