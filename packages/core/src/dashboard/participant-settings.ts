import { appendAudit, findParticipantById, updateParticipant, type AuditAction, type Participant } from "@powertoken/db";
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

/** Options of {@link updateParticipantSettings}. */
export interface ParticipantSettingsOptions {
  /** Who made the change, for the audit row (e.g. "coordinator 3 from the dashboard"). @default "staff" */
  by?: string;
}

const SETTINGS_CHANGED_ACTION: AuditAction = "participant-settings-changed";

/**
 * Changes a participant's mapping or step goal; the next poll writes with the new settings.
 * A change writes one audit row `participant-settings-changed` (who, and each field from → to) in
 * the same transaction; a patch that changes nothing writes nothing, like pausing a paused participant.
 * @throws CoreError PARTICIPANT_NOT_FOUND, INVALID_INPUT (unknown mapping, goal not a whole number in range)
 * @example await updateParticipantSettings(runtime, 17, { goalSteps: 12_000 }, { by: "coordinator 3" });
 */
export async function updateParticipantSettings(
  runtime: Pick<AdminRuntime, "db" | "ctx">,
  participantId: number,
  patch: ParticipantSettingsPatch,
  options: ParticipantSettingsOptions = {},
): Promise<Participant> {
  if (patch.mapping !== undefined && !MAPPING_NAMES.includes(patch.mapping)) throw new CoreError("INVALID_INPUT", `Unknown mapping; use one of ${MAPPING_NAMES.join(", ")}.`, { key: "mapping" });
  if (patch.goalSteps !== undefined && !(Number.isInteger(patch.goalSteps) && patch.goalSteps >= 0 && patch.goalSteps <= 1_000_000)) {
    throw new CoreError("INVALID_INPUT", "goalSteps must be a whole number from 0 to 1,000,000.", { key: "goalSteps" });
  }
  const found = await findParticipant(runtime, participantId);
  const at = runtime.ctx.now();
  // The "from" values are read in the transaction that writes, so two coordinators saving at
  // once each audit what they really replaced.
  return runtime.db.db.transaction().execute(async (trx) => {
    const before = (await findParticipantById(trx, found.id)) ?? found;
    const changes: string[] = [];
    if (patch.mapping !== undefined && patch.mapping !== before.mapping) changes.push(`mapping ${before.mapping} → ${patch.mapping}`);
    if (patch.goalSteps !== undefined && patch.goalSteps !== before.goalSteps) changes.push(`goal ${before.goalSteps} → ${patch.goalSteps} steps`);
    if (changes.length === 0) return before;
    const after = await updateParticipant(trx, before.id, {
      ...(patch.mapping === undefined ? {} : { mapping: patch.mapping }),
      ...(patch.goalSteps === undefined ? {} : { goalSteps: patch.goalSteps }),
      now: at,
    });
    await appendAudit(trx, {
      at,
      participantId: before.id,
      participantName: before.name,
      action: SETTINGS_CHANGED_ACTION,
      outcome: "ok",
      detail: `${changes.join("; ")}; by ${(options.by ?? "staff").slice(0, 200)}`,
    });
    return after;
  });
}
