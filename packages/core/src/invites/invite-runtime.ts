import type { PowerTokenRuntime } from "../runtime/create-runtime.js";

/** The parts of a runtime the invite functions use. */
export type InviteRuntime = Pick<PowerTokenRuntime, "db" | "ctx" | "config">;
