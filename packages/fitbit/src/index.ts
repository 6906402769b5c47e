export { FitbitError, isFitbitError } from "./errors.js";
export type { FitbitErrorCode, FitbitErrorExtra } from "./errors.js";
export type { Tracker, TrackerBackend, ShowDayInput, ShowDayResult, DayEntry, RequestInfo } from "./tracker.js";
export type { StoredToken, TokenSet, TokenStore, AccessTokenSource } from "./token-store.js";
