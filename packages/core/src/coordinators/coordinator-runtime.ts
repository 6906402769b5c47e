import type { PowerTokenRuntime } from "../runtime/create-runtime.js";

/** The parts of a runtime the coordinator and session functions use (a full `PowerTokenRuntime` fits). */
export type CoordinatorRuntime = Pick<PowerTokenRuntime, "db" | "ctx" | "config">;
