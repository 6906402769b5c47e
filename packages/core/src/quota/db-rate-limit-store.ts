import { loadRateLimits, saveApiPause, saveParticipantRateLimit, type DatabaseHandle } from "@powertoken/db";
import type { RateLimitStore } from "./quota.js";

/** The quota's pauses and postponements kept in the database (migration 080), for the next CLI run and the other replicas. */
export function createDbRateLimitStore(db: DatabaseHandle["db"]): RateLimitStore {
  return {
    load: (now) => loadRateLimits(db, { now }),
    saveApiPause: (input) => saveApiPause(db, input),
    saveParticipant: (input) => saveParticipantRateLimit(db, input),
  };
}
