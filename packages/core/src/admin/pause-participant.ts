import { appendAudit, setParticipantPaused, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";

/** What `pauseParticipant` and `resumeParticipant` return. */
export interface PauseParticipantResult {
  participant: Participant;
  /** False when the participant already was paused (or not paused): nothing was written. */
  changed: boolean;
}

/**
 * Pause a participant: they keep their status, but neither the poll nor maintenance touches them
 * until resumed (the tracker keeps showing what it last showed). Idempotent: pausing a paused
 * participant changes nothing and writes no audit row; the first pause time stays.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 * @example await pauseParticipant(runtime, 17, { reason: "in hospital for a week" });
 */
export async function pauseParticipant(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number, options: { reason?: string } = {}): Promise<PauseParticipantResult> {
  return setPaused(runtime, participantId, true, options.reason ?? "paused by staff");
}

/**
 * Resume a paused participant: the next poll and maintenance include them again. Idempotent.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 * @example await resumeParticipant(runtime, 17);
 */
export async function resumeParticipant(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number): Promise<PauseParticipantResult> {
  return setPaused(runtime, participantId, false, "resumed by staff");
}

async function setPaused(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number, paused: boolean, detail: string): Promise<PauseParticipantResult> {
  const found = await findParticipant(runtime, participantId);
  const at = runtime.ctx.now();
  const result = await setParticipantPaused(runtime.db.db, found.id, paused, at);
  if (result.changed) {
    await appendAudit(runtime.db.db, {
      at,
      participantId: found.id,
      participantName: found.name,
      action: paused ? "participant-paused" : "participant-resumed",
      outcome: "ok",
      detail: detail.slice(0, 500),
    });
  }
  return result;
}
