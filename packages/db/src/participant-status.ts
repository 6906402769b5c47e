import type { Kysely } from "kysely";
import { dialectOf } from "./_dialect.js";
import { inTransaction } from "./_db.js";
import { toIso } from "./_values.js";
import type { Database } from "./schema/database.js";
import type { ParticipantStatus } from "./schema/participants.js";
import type { TrackerAccountStatus } from "./schema/tracker-accounts.js";

/** What `changeParticipantStatus` takes. */
export interface ChangeParticipantStatusInput {
  participantId: number;
  status: ParticipantStatus;
  /** Why, in our own words (no upstream body or token); kept on the tracker accounts it flags, cut to 200 characters. */
  reason?: string | null;
  /** @default new Date() */
  now?: Date;
}

/** The tracker-account state that goes with a participant state, when it flags the accounts. */
function trackerStatusFor(status: ParticipantStatus): TrackerAccountStatus | null {
  switch (status) {
    case "needs-tracker-consent":
      return "reauth-required";
    case "needs-google-health":
      return "api-gone";
    case "active":
    case "needs-weconnect-signin":
    case "ended":
      return null;
  }
}

/**
 * Moves a participant to `status` and flags the accounts that go with it (`needs-weconnect-signin`:
 * the WEconnect account, if any, `reauth-required`; `needs-tracker-consent` / `needs-google-health`:
 * every tracker account `reauth-required` / `api-gone`). The current status is read and the change
 * written in one transaction (the row locked on PostgreSQL), so two replicas cannot both report
 * the same change.
 * @returns true when the status changed, false when it already was `status` or there is no such participant
 */
export async function changeParticipantStatus(db: Kysely<Database>, input: ChangeParticipantStatusInput): Promise<boolean> {
  const at = toIso(input.now ?? new Date(), "now");
  return inTransaction(db, async (trx) => {
    let read = trx.selectFrom("participants").select("status").where("id", "=", input.participantId);
    if (dialectOf(trx) === "postgres") read = read.forUpdate();
    const current = await read.executeTakeFirst();
    if (!current || current.status === input.status) return false;
    await trx.updateTable("participants").set({ status: input.status, updated_at: at }).where("id", "=", input.participantId).execute();
    if (input.status === "needs-weconnect-signin") {
      await trx.updateTable("weconnect_accounts").set({ status: "reauth-required", updated_at: at }).where("participant_id", "=", input.participantId).execute();
    }
    const trackerStatus = trackerStatusFor(input.status);
    if (trackerStatus !== null) {
      await trx
        .updateTable("tracker_accounts")
        .set({ status: trackerStatus, status_reason: input.reason ? input.reason.slice(0, 200) : null, updated_at: at })
        .where("participant_id", "=", input.participantId)
        .execute();
    }
    return true;
  });
}
