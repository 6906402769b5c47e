export { startFitbitLegacySimulator } from "./server.js";
export type { FitbitLegacySimulator, FitbitLegacySimulatorOptions } from "./server.js";
export { createFitbitLegacyState } from "./state.js";
export type { FitbitLegacyState, FitbitLegacyStateOptions, FitbitLegacyDayView, FitbitLegacySimLog, FitbitLegacySimUser } from "./state.js";
export { createFitbitLegacyHandler } from "./handler.js";
