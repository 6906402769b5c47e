import type { Logger, RunProgress } from "@powertoken/core";

/**
 * The `onProgress` listener that logs each participant of a run as it finishes: ids and codes
 * only (names stay out of the logs; outcomes never carry tokens), a failure at warn, the rest at
 * debug. Streaming the lines, rather than listing them from the result at the end, lets the
 * daemon ask core for the exceptions only and hold nothing per participant (issue 14: memory
 * flat in N). `runStartedAt` ties the lines to their run's summary line, across replicas to its tick.
 */
export function logParticipantLines(log: Logger, runStartedAt: string): (progress: RunProgress) => void {
  return ({ job, outcome }) => {
    const fields = { job, runStartedAt, participantId: outcome.participantId, outcome: outcome.outcome, code: outcome.code };
    if (outcome.outcome === "failed") log.warn(`${job}: participant failed`, fields);
    else log.debug(`${job}: participant ${outcome.outcome}`, fields);
  };
}
