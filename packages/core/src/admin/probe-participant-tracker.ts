import { listTrackerAccountSummaries } from "@powertoken/db";
import { probeTracker, type GoogleHealthTracker, type Tracker, type TrackerProbeReport } from "@powertoken/fitbit";
import { localDateOf } from "@powertoken/weconnect";
import { CoreError } from "../errors.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { findParticipant } from "./find-participant.js";

/** Options of {@link probeParticipantTracker}. */
export interface ProbeParticipantTrackerOptions {
  /** Steps of the test exercise; an unusual number is easy to spot in the app. @default 4321 */
  steps?: number;
}

/** What the probe found on one participant's Google Health account, with who and which day. */
export interface ParticipantTrackerProbe extends TrackerProbeReport {
  participantId: number;
  name: string;
  /** The participant's local today (from their stored time zone), the day the probe wrote to. */
  localDate: string;
  timeZone: string;
}

/** Only the Google Health tracker can probe (the legacy API has no daily roll-up to compare). */
function canProbe(tracker: Tracker | undefined): tracker is GoogleHealthTracker {
  return tracker?.backend === "google-health" && typeof (tracker as Partial<GoogleHealthTracker>).probe === "function";
}

/**
 * Settle on a participant's real Google Health account what the docs leave open
 * (docs/google-health-api.md#do-written-steps-count): write a labelled test exercise for their
 * local today, read it back, compare the day's all-sources step total before and after, then
 * delete the test point. The participant's own data is never touched. Without the activity read
 * scope nothing is written and `missingScope` names it.
 * @throws CoreError PARTICIPANT_NOT_FOUND; INVALID_INPUT (`participant`: no Google Health account linked, or `steps` not a positive whole number);
 *   FitbitError REAUTH_REQUIRED, NETWORK, SERVER… when the account cannot be reached at all
 * @example const probe = await probeParticipantTracker(runtime, "alice"); probe.lines.forEach((l) => console.log(l));
 */
export async function probeParticipantTracker(runtime: Pick<AdminRuntime, "db" | "ctx">, participantRef: string | number, options: ProbeParticipantTrackerOptions = {}): Promise<ParticipantTrackerProbe> {
  const participant = await findParticipant(runtime, participantRef);
  const steps = options.steps ?? 4321;
  if (!Number.isSafeInteger(steps) || steps < 1 || steps > 100_000) {
    throw new CoreError("INVALID_INPUT", `The probe's steps must be a whole number from 1 to 100000, got ${String(steps)}.`, { key: "steps" });
  }
  const accounts = (await listTrackerAccountSummaries(runtime.db.db, [participant.id])).get(participant.id) ?? [];
  const account = accounts.find((a) => a.backend === "google-health");
  const tracker = runtime.ctx.trackers["google-health"];
  if (account === undefined) {
    throw new CoreError("INVALID_INPUT", `${participant.name} has no Google Health account linked; the probe only runs on Google Health. Connect it with \`powertoken connect tracker ${participant.name}\`.`, { key: "participant" });
  }
  if (!canProbe(tracker)) throw new CoreError("NOT_CONFIGURED", "Google Health is not configured (googleHealth section of the config).", { key: "googleHealth" });
  const localDate = localDateOf(runtime.ctx.now(), participant.timeZone);
  const report = await probeTracker(tracker, { accountKey: String(account.id), date: localDate, timeZone: participant.timeZone, steps });
  runtime.ctx.log.info("tracker probe", { participantId: participant.id, writtenAndReadBack: report.writtenAndReadBack, totalRose: report.totalRose, deleted: report.deleted, missingScope: report.missingScope });
  return { participantId: participant.id, name: participant.name, localDate, timeZone: participant.timeZone, ...report };
}
