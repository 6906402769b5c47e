import { saveWeconnectAccount, type DatabaseHandle } from "@powertoken/db";
import { isWeconnectError, type WeconnectError } from "@powertoken/weconnect";
import type { ParticipantStatus } from "../data/core-data.js";
import { CoreError } from "../errors.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";
import { requireKeys } from "./require-keys.js";
import { settleInTransaction } from "./settle-status.js";

/** What {@link linkWeconnect} takes. The password is used for one login and never stored or logged. */
export interface LinkWeconnectInput {
  participantId: number;
  email: string;
  password: string;
}

/** What {@link linkWeconnect} returns. */
export interface LinkWeconnectResult {
  personId: string;
  tokenExpiresAt: Date | null;
  /** The participant's state after the link. */
  status: ParticipantStatus;
}

/**
 * Sign the participant in to WEconnect with their e-mail and password, store the access token
 * (encrypted) and settle their state, the last two in one transaction.
 * One WEconnect account feeds one participant: a WEconnect person already linked to another
 * participant who is not `ended` is refused (a removed participant's link is gone with them), so
 * one person's check-ins never drive two trackers and no status page lists another's activities.
 * Linking a participant again to their own account (a reconnect) is allowed.
 * @throws CoreError PARTICIPANT_NOT_FOUND, NOT_CONFIGURED (no encryption key), INVALID_INPUT,
 *   WECONNECT_CREDENTIALS_REJECTED, WECONNECT_UNAVAILABLE (`retryable`: down, slow or rate-limited),
 *   WECONNECT_ACCOUNT_IN_USE (nothing is saved)
 * @example const { status } = await linkWeconnect(runtime, { participantId: 7, email, password });
 */
export async function linkWeconnect(runtime: AdminRuntime, input: LinkWeconnectInput): Promise<LinkWeconnectResult> {
  const participant = await findParticipant(runtime, input.participantId);
  const keys = requireKeys(runtime, "the WEconnect token");
  if (input.email.trim() === "") throw new CoreError("INVALID_INPUT", "The e-mail is empty.", { key: "email" });
  if (input.password === "") throw new CoreError("INVALID_INPUT", "The password is empty.", { key: "password" });
  let login;
  try {
    login = await runtime.ctx.weconnect.login(input.email.trim(), input.password);
  } catch (error) {
    throw isWeconnectError(error) ? loginFailure(error) : error;
  }
  const now = runtime.ctx.now();
  const personId = String(login.personId);
  const status = await runtime.db.db.transaction().execute(async (trx) => {
    await refuseAccountInUse(trx, personId, participant.id);
    await saveWeconnectAccount(trx, keys, { participantId: participant.id, personId, accessToken: login.token, tokenExpiresAt: login.expiresAt, now });
    return settleInTransaction(trx, runtime.db, participant.id, now);
  });
  runtime.ctx.log.info("WEconnect linked", { participantId: participant.id, personId, status });
  return { personId, tokenExpiresAt: login.expiresAt, status };
}

/**
 * Throws WECONNECT_ACCOUNT_IN_USE when `personId` is linked to a participant other than
 * `participantId` who is not ended. db has no query by person id, hence the builder here. It runs
 * in the transaction that saves, which SQLite serialises; on PostgreSQL two sign-ins with one
 * account for two participants in the same instant could still both pass (only a partial unique
 * index in db would close that).
 */
async function refuseAccountInUse(trx: DatabaseHandle["db"], personId: string, participantId: number): Promise<void> {
  const other = await trx
    .selectFrom("weconnect_accounts as w")
    .innerJoin("participants as p", "p.id", "w.participant_id")
    .select(["p.id", "p.name"])
    .where("w.person_id", "=", personId)
    .where("w.participant_id", "<>", participantId)
    .where("p.status", "<>", "ended")
    .orderBy("p.id")
    .executeTakeFirst();
  if (!other) return;
  throw new CoreError(
    "WECONNECT_ACCOUNT_IN_USE",
    `This WEconnect account is already linked to participant ${JSON.stringify(other.name.slice(0, 100))} (id ${other.id}), who is still enrolled; nothing was saved. ` +
      "Each participant needs their own WEconnect account: check which account this participant should use, or end or remove the other participant first.",
    { key: "email" },
  );
}

/** The client's message carries no secret (its errors are built from status and endpoint template). */
function loginFailure(error: WeconnectError): CoreError {
  switch (error.code) {
    case "UNAUTHORIZED":
    case "BAD_REQUEST":
      return new CoreError("WECONNECT_CREDENTIALS_REJECTED", "WEconnect did not accept this e-mail and password. Check them with the participant and try again.", { cause: error });
    case "NETWORK":
    case "RATE_LIMITED":
    case "SERVER":
    case "NOT_FOUND":
    case "INVALID_RESPONSE":
      return new CoreError("WECONNECT_UNAVAILABLE", `WEconnect cannot sign in right now (${error.code}). Try again in a few minutes.`, { cause: error });
  }
}
