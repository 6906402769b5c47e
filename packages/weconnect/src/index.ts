export { createWeconnectClient } from "./client.js";
export type {
  RetryOptions,
  WeconnectClient,
  WeconnectClientOptions,
  WeconnectOperation,
  WeconnectRequestInfo,
} from "./client.js";
export type { LoginResult, Session } from "./session.js";
export type { Progress } from "./progress.js";
export { WeconnectError, isWeconnectError } from "./errors.js";
export type { WeconnectErrorCode, WeconnectErrorExtra } from "./errors.js";
export type { Activity, ActivityWithEvents, Person, WeconnectEvent } from "./schemas.js";
export { localDateOf, localDayWindow, localWeekWindow } from "./windows.js";
export type { TimeWindow } from "./windows.js";
export { expandOccurrences } from "./occurrences.js";
export type { ExpandOptions, Occurrence, RecurringActivity } from "./occurrences.js";
