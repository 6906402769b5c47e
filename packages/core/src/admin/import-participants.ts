import { findTakenParticipantNames, insertParticipants, saveTrackerAccount, saveWeconnectAccount, type CreateParticipantInput, type EncryptionKeys } from "@powertoken/db";
import type { TrackerBackend } from "@powertoken/fitbit";
import { localDateOf } from "@powertoken/weconnect";
import type { ParticipantStatus } from "../data/core-data.js";
import { defaultStepsFor } from "../mapping/mapping-settings.js";
import type { AdminRuntime } from "./admin-runtime.js";
import type { EnrolParticipantInput } from "./enrol-participant.js";
import { normaliseParticipantName, PARTICIPANT_NAME_MAX, participantNameProblem } from "./participant-name.js";
import { CoreError } from "../errors.js";
import { participantState } from "./participant-state.js";
import { requireKeys } from "./require-keys.js";

/** One participant to import: enrolment fields plus tokens obtained elsewhere (a roster, a simulator). */
export interface ImportParticipantInput extends EnrolParticipantInput {
  weconnect?: { personId: string; accessToken: string; tokenExpiresAt?: Date | null };
  tracker?: { backend: TrackerBackend; accessToken: string; refreshToken?: string | null; expiresAt: Date; scopes: readonly string[]; externalUserId?: string | null };
}

/** A participant as an import created it. */
export interface ImportedParticipant {
  id: number;
  name: string;
  status: ParticipantStatus;
}

/** Options of {@link importParticipants}. */
export interface ImportParticipantsOptions {
  /** Rows per multi-row insert. @default 1000 */
  batchSize?: number;
  /** Called with each batch once inserted (still inside the transaction), e.g. to count or print progress. */
  onBatch?: (imported: readonly ImportedParticipant[]) => void;
}

/** What {@link importParticipants} did. */
export interface ImportParticipantsResult {
  imported: number;
  withTokens: number;
  byStatus: Partial<Record<ParticipantStatus, number>>;
}

const DEFAULT_BATCH = 1000;

/**
 * Enrol many participants with their tokens in ONE transaction, however many there are: a failing
 * row (a taken name, tokens without a key) leaves the database as it was. `inputs` may be an async
 * iterable (a roster streamed from disk): it is consumed batch by batch with multi-row inserts, so
 * memory stays bounded by the batch, not the roster. Each participant's state follows from the
 * tokens given; tokens are stored encrypted. The inputs are validated by the caller (the CLI's
 * roster schema); find taken names first with {@link findEnrolledNames} to report them all.
 * Names are normalised and checked by {@link participantNameProblem} here too, so a caller that
 * skipped validation cannot store a name that rewrites a terminal.
 * @throws CoreError NOT_CONFIGURED when tokens are given without an encryption key, INVALID_INPUT for a bad name; DbError CONFLICT, INVALID_INPUT
 * @example await importParticipants(runtime, [{ name: "p-001", timeZone: "America/Chicago" }]);
 */
export async function importParticipants(
  runtime: Pick<AdminRuntime, "db" | "config" | "ctx">,
  inputs: Iterable<ImportParticipantInput> | AsyncIterable<ImportParticipantInput>,
  options: ImportParticipantsOptions = {},
): Promise<ImportParticipantsResult> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const now = runtime.ctx.now();
  const todayIn = memo((timeZone: string) => localDateOf(now, timeZone));
  const result: ImportParticipantsResult = { imported: 0, withTokens: 0, byStatus: {} };
  let keys: EncryptionKeys | undefined;
  return runtime.db.db.transaction().execute(async (trx) => {
    let batch: ImportParticipantInput[] = [];
    const flush = async () => {
      const rows: CreateParticipantInput[] = batch.map((input) => {
        const name = normaliseParticipantName(input.name);
        const problem = participantNameProblem(name);
        if (problem !== undefined) throw new CoreError("INVALID_INPUT", `name ${JSON.stringify(name.slice(0, PARTICIPANT_NAME_MAX))}: ${problem}; nothing was imported.`, { key: "name" });
        const timeZone = input.timeZone ?? runtime.config.defaults.timeZone;
        const mapping = input.mapping ?? runtime.config.defaults.mapping;
        const defaults = defaultStepsFor(mapping);
        return {
          name,
          timeZone,
          enrollmentStart: input.startDate ?? todayIn(timeZone),
          enrollmentEnd: input.endDate ?? null,
          status: participantState({
            participant: { status: "needs-weconnect-signin" },
            weconnect: input.weconnect ? { status: "active" } : null,
            trackers: input.tracker ? [{ backend: input.tracker.backend, status: "active" }] : [],
          }),
          mapping,
          goalSteps: input.goalSteps ?? defaults.goalSteps,
          stepsPerUnit: input.scale ?? defaults.stepsPerUnit,
        };
      });
      const created = await insertParticipants(trx, rows, now);
      for (const [i, input] of batch.entries()) {
        const p = created[i];
        if (p === undefined || (input.weconnect === undefined && input.tracker === undefined)) continue;
        keys ??= requireKeys(runtime, "the roster's tokens");
        result.withTokens++;
        if (input.weconnect) {
          await saveWeconnectAccount(trx, keys, { participantId: p.id, personId: input.weconnect.personId, accessToken: input.weconnect.accessToken, tokenExpiresAt: input.weconnect.tokenExpiresAt ?? null, now });
        }
        if (input.tracker) await saveTrackerAccount(trx, keys, { participantId: p.id, ...input.tracker, now });
      }
      const imported = created.map((p) => ({ id: p.id, name: p.name, status: p.status }));
      for (const p of imported) result.byStatus[p.status] = (result.byStatus[p.status] ?? 0) + 1;
      result.imported += imported.length;
      batch = [];
      options.onBatch?.(imported);
    };
    for await (const input of inputs) {
      batch.push(input);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    return result;
  });
}

/**
 * Which of `names` are already enrolled (any number; looked up in chunks), so an import can name
 * every clash with its roster line before it writes anything.
 * @example const taken = await findEnrolledNames(runtime, ["alice", "zed"]); // ["alice"]
 */
export function findEnrolledNames(runtime: Pick<AdminRuntime, "db">, names: readonly string[]): Promise<string[]> {
  return findTakenParticipantNames(runtime.db.db, names.map(normaliseParticipantName));
}

function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = fn(key)));
    return value;
  };
}
