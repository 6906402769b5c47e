export { startGoogleHealthSimulator } from "./google-health/index.js";
export type { GoogleHealthSimulator, GoogleHealthSimulatorOptions, GoogleHealthSimulatorState } from "./google-health/index.js";
export type { GoogleHealthSimUser, DayView } from "./google-health/state.js";
export type { FailNextOptions, LoggedRequest } from "./_server.js";
export type { OAuthSimulatorStats, SimulatorTokens, OAuthSimulatorMode } from "./oauth/state.js";
export { startOAuthSimulator } from "./oauth/index.js";
export type { OAuthSimulator } from "./oauth/index.js";
export type { OAuthSimulatorOptions, OAuthSimulatorState, OAuthSimulatorSettings } from "./oauth/state.js";
export { startFitbitLegacySimulator, createFitbitLegacyState, createFitbitLegacyHandler, type FitbitLegacySimulator, type FitbitLegacySimulatorOptions, type FitbitLegacyState, type FitbitLegacyStateOptions, type FitbitLegacyDayView, type FitbitLegacySimLog, type FitbitLegacySimUser } from "./legacy/index.js";
