export { createFitbitLegacyTracker } from "./tracker.js";
export type { FitbitLegacyTracker, FitbitLegacyTrackerOptions, FitbitLegacyShowDayResult } from "./tracker.js";
export type { FitbitRateLimit } from "./_session.js";
export type { ListLogsQuery } from "./activity-logs.js";
export type { LegacyProfile, LegacyGoals, LegacyDaySummary, LegacyShortLog, LegacyListLog } from "./schemas.js";
export { isPowerTokenLog, WALK_ACTIVITY_ID, POWERTOKEN_START_TIME, POWERTOKEN_DURATION_MS } from "./ownership.js";
export { MOVE_TO_GOOGLE_HEALTH } from "./_errors.js";
