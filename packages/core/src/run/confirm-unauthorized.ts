import { isWeconnectError } from "@powertoken/weconnect";
import type { ParticipantRecord } from "../data/core-data.js";
import type { PowerTokenContext } from "../runtime/context.js";
import type { ClassifiedError } from "./classify-error.js";

/** The code of a WEconnect 401 that a token check did not confirm: counted as a transient failure. */
export const UNAUTHORIZED_UNCONFIRMED = "UNAUTHORIZED_UNCONFIRMED";

/**
 * A WEconnect 401 alone does not prove the token dead: a proxy or a bad minute upstream can
 * answer 401 for a token that works (issue 15 item 4). Before the participant is moved to
 * `needs-weconnect-signin`, the same token is tried once with the cheapest authenticated call,
 * `GET /People/:id` (the original's own token check, docs/weconnect-api.md#get-person). Only a
 * second 401 confirms the failure; a 200 — or no answer at all — leaves the status alone and the
 * failure is counted as `UNAUTHORIZED_UNCONFIRMED`, so the participant is simply retried next
 * run. A participant already flagged, or without a stored WEconnect token, costs no request.
 * Tracker failures need no check here: only `invalid_grant` (REAUTH_REQUIRED) and a missing
 * permission flag an account, and a 401 that survived a refresh never does.
 */
export async function confirmFailure(
  ctx: PowerTokenContext,
  participant: Pick<ParticipantRecord, "id" | "status"> & { weconnect?: ParticipantRecord["weconnect"] },
  failure: ClassifiedError,
): Promise<ClassifiedError> {
  if (failure.origin !== "weconnect" || failure.status !== "needs-weconnect-signin") return failure;
  if (participant.status === "needs-weconnect-signin" || !participant.weconnect) return failure;
  const session = { personId: participant.weconnect.personId, token: participant.weconnect.token };
  let checked: string;
  try {
    await ctx.weconnect.getPerson(session);
    checked = "a token check with the same token succeeded";
  } catch (error) {
    // A second 401 is the proof; anything else (timeout, 5xx, 429) says nothing about the token.
    if (isWeconnectError(error) && error.code === "UNAUTHORIZED") return failure;
    checked = `the token check could not tell (${isWeconnectError(error) ? error.code : "INTERNAL"})`;
  }
  ctx.log.info("weconnect 401 not confirmed; status left alone", { participantId: participant.id });
  return {
    code: UNAUTHORIZED_UNCONFIRMED,
    message: `WEconnect refused the token once, but ${checked}; the participant stays ${participant.status} and is retried next run.`,
    origin: "weconnect",
  };
}
