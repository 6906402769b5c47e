import type { PowerTokenRuntime } from "../runtime/create-runtime.js";

/** The parts of a runtime the administration functions use (a full `PowerTokenRuntime` fits). */
export type AdminRuntime = Pick<PowerTokenRuntime, "ctx" | "db" | "config" | "oauthOptions">;
