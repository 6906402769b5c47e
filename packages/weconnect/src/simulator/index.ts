export { startWeconnectSimulator } from "./server.js";
export type {
  FailNextOptions,
  SimRequestLogEntry,
  WeconnectSimulator,
  WeconnectSimulatorOptions,
} from "./server.js";
export { createWeconnectHandler } from "./handler.js";
export type { WeconnectHandlerOptions } from "./handler.js";
export { matchRoute } from "./routes.js";
export type { SimRoute } from "./routes.js";
export { createWeconnectState, eidOf } from "./state.js";
export type {
  NewActivity,
  NewPerson,
  SimActivity,
  SimEvent,
  SimPerson,
  SimToken,
  WeconnectSimState,
  WeconnectStateOptions,
} from "./state.js";
export { ScenarioSchema, applyScenario, loadScenario, parseScenario } from "./scenario.js";
export type { Scenario, ScenarioInput } from "./scenario.js";
export { WECONNECT_FAULT_KINDS } from "./_random-faults.js";
export type { WeconnectFaultKind, WeconnectFaultCounts, WeconnectRandomFaultOptions } from "./_random-faults.js";
