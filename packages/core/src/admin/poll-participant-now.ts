import { CoreError } from "../errors.js";
import { runPoll } from "../poll/run-poll.js";
import type { ParticipantOutcome } from "../run/run-result.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";

/**
 * Poll one participant now, due or not (a "sync now" button), and return their outcome. A
 * participant who is not active comes back `skipped` (code `NOT_ACTIVE`), a paused one `skipped` with code `PAUSED`; a failure comes back `failed` with its code.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 */
export async function pollParticipantNow(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number, options: { dryRun?: boolean } = {}): Promise<ParticipantOutcome> {
  const participant = await findParticipant(runtime, participantId);
  // Staff paused them: a "poll now" must not write to their tracker behind the pause.
  if (participant.pausedAt !== null) {
    return { participantId: participant.id, name: participant.name, outcome: "skipped", code: "PAUSED", message: `${participant.name} is paused.` };
  }
  const result = await runPoll(runtime.ctx, { participantIds: [participant.id], dryRun: options.dryRun ?? false });
  const outcome = result.participants.find((p) => p.participantId === participant.id);
  if (outcome !== undefined) return outcome;
  // runPoll selects active participants only; say why nothing happened instead of returning nothing.
  if (participant.status !== "active") {
    return { participantId: participant.id, name: participant.name, outcome: "skipped", code: "NOT_ACTIVE", message: `${participant.name} is ${participant.status}.` };
  }
  throw new CoreError("INVALID_INPUT", `The poll did not select ${participant.name} (outside enrollment?).`, { key: "participantId" });
}
