export { startWeconnectSimulator } from "./server.js";
export type {
  FailNextOptions,
  SimRequestLogEntry,
  WeconnectSimulator,
  WeconnectSimulatorOptions,
} from "./server.js";
export { createWeconnectHandler, matchRoute } from "./handler.js";
export type { SimRoute, WeconnectHandlerOptions } from "./handler.js";
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
