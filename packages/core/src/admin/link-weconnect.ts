import { saveWeconnectAccount } from "@powertoken/db";
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
 * @throws CoreError PARTICIPANT_NOT_FOUND, NOT_CONFIGURED (no encryption key), INVALID_INPUT,
 *   WECONNECT_CREDENTIALS_REJECTED, WECONNECT_UNAVAILABLE (`retryable`: down, slow or rate-limited)
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
  const status = await runtime.db.db.transaction().execute(async (trx) => {
    await saveWeconnectAccount(trx, keys, { participantId: participant.id, personId: String(login.personId), accessToken: login.token, tokenExpiresAt: login.expiresAt, now });
    return settleInTransaction(trx, runtime.db, participant.id, now);
  });
  runtime.ctx.log.info("WEconnect linked", { participantId: participant.id, personId: String(login.personId), status });
  return { personId: String(login.personId), tokenExpiresAt: login.expiresAt, status };
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
