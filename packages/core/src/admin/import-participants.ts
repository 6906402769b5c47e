import { createParticipant, saveTrackerAccount, saveWeconnectAccount, type Participant } from "@powertoken/db";
import type { TrackerBackend } from "@powertoken/fitbit";
import { localDateOf } from "@powertoken/weconnect";
import type { ParticipantStatus } from "../data/core-data.js";
import { defaultStepsFor } from "../mapping/mapping-settings.js";
import type { AdminRuntime } from "./admin-runtime.js";
import type { EnrolParticipantInput } from "./enrol-participant.js";
import { participantState } from "./participant-state.js";
import { requireKeys } from "./require-keys.js";

/** One participant to import: enrolment fields plus tokens obtained elsewhere (a roster, a simulator). */
export interface ImportParticipantInput extends EnrolParticipantInput {
  weconnect?: { personId: string; accessToken: string; tokenExpiresAt?: Date | null };
  tracker?: { backend: TrackerBackend; accessToken: string; refreshToken?: string | null; expiresAt: Date; scopes: readonly string[]; externalUserId?: string | null };
}

/**
 * Enrol many participants with their tokens in one transaction: a failing row (a taken name)
 * leaves the database as it was. Each one's state follows from the tokens given. The inputs are
 * validated by the caller (the CLI's roster schema); tokens are stored encrypted.
 * @throws CoreError NOT_CONFIGURED when tokens are given without an encryption key; DbError CONFLICT, INVALID_INPUT
 */
export async function importParticipants(runtime: Pick<AdminRuntime, "db" | "config" | "ctx">, inputs: readonly ImportParticipantInput[]): Promise<{ id: number; name: string; status: ParticipantStatus }[]> {
  const withTokens = inputs.some((i) => i.weconnect !== undefined || i.tracker !== undefined);
  const keys = withTokens ? requireKeys(runtime, "the roster's tokens") : runtime.db.keys;
  const now = runtime.ctx.now();
  return runtime.db.db.transaction().execute(async (trx) => {
    const out: { id: number; name: string; status: ParticipantStatus }[] = [];
    for (const input of inputs) {
      const timeZone = input.timeZone ?? runtime.config.defaults.timeZone;
      const mapping = input.mapping ?? runtime.config.defaults.mapping;
      const defaults = defaultStepsFor(mapping);
      const status = participantState({
        participant: { status: "needs-weconnect-signin" },
        weconnect: input.weconnect ? { status: "active" } : null,
        trackers: input.tracker ? [{ backend: input.tracker.backend, status: "active" }] : [],
      });
      const p: Participant = await createParticipant(trx, {
        name: input.name,
        timeZone,
        enrollmentStart: input.startDate ?? localDateOf(now, timeZone),
        enrollmentEnd: input.endDate ?? null,
        status,
        mapping,
        goalSteps: input.goalSteps ?? defaults.goalSteps,
        stepsPerUnit: input.scale ?? defaults.stepsPerUnit,
        now,
      });
      if (input.weconnect) {
        await saveWeconnectAccount(trx, keys, { participantId: p.id, personId: input.weconnect.personId, accessToken: input.weconnect.accessToken, tokenExpiresAt: input.weconnect.tokenExpiresAt ?? null, now });
      }
      if (input.tracker) {
        await saveTrackerAccount(trx, keys, { participantId: p.id, ...input.tracker, now });
      }
      out.push({ id: p.id, name: p.name, status: p.status });
    }
    return out;
  });
}
