import { updateParticipant, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "../admin/admin-runtime.js";
import { CoreError } from "../errors.js";
import { findParticipant } from "../admin/find-participant.js";
import { MAPPING_NAMES, type MappingName } from "../mapping/mapping-settings.js";

/** What {@link updateParticipantSettings} may change. */
export interface ParticipantSettingsPatch {
  mapping?: MappingName;
  /** Steps shown at 100 % (whole number, 0 … 1,000,000). */
  goalSteps?: number;
}

/**
 * Changes a participant's mapping or step goal; the next poll writes with the new settings.
 * @throws CoreError PARTICIPANT_NOT_FOUND, INVALID_INPUT (unknown mapping, goal not a whole number in range)
 */
export async function updateParticipantSettings(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number, patch: ParticipantSettingsPatch): Promise<Participant> {
  if (patch.mapping !== undefined && !MAPPING_NAMES.includes(patch.mapping)) throw new CoreError("INVALID_INPUT", `Unknown mapping; use one of ${MAPPING_NAMES.join(", ")}.`, { key: "mapping" });
  if (patch.goalSteps !== undefined && !(Number.isInteger(patch.goalSteps) && patch.goalSteps >= 0 && patch.goalSteps <= 1_000_000)) {
    throw new CoreError("INVALID_INPUT", "goalSteps must be a whole number from 0 to 1,000,000.", { key: "goalSteps" });
  }
  const participant = await findParticipant(runtime, participantId);
  return updateParticipant(runtime.db.db, participant.id, {
    ...(patch.mapping === undefined ? {} : { mapping: patch.mapping }),
    ...(patch.goalSteps === undefined ? {} : { goalSteps: patch.goalSteps }),
    now: runtime.ctx.now(),
  });
}
