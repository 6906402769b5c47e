import type { DbError, DbErrorCode } from "@powertoken/db";
import type { FitbitError, FitbitErrorCode } from "@powertoken/fitbit";
import type { WeconnectError, WeconnectErrorCode } from "@powertoken/weconnect";
import type { CoreError, CoreErrorCode } from "./errors.js";

/** Any error of the PowerToken packages: branch on `name`, then `code`. */
export type PowerTokenError = CoreError | DbError | WeconnectError | FitbitError;

/** Every code a {@link PowerTokenError} may carry. */
export type PowerTokenErrorCode = CoreErrorCode | DbErrorCode | WeconnectErrorCode | FitbitErrorCode;

const NAMES: ReadonlySet<string> = new Set(["CoreError", "DbError", "WeconnectError", "FitbitError"]);

/**
 * True for a CoreError, DbError, WeconnectError or FitbitError, from any copy of the packages
 * (ESM and CJS builds may both be loaded): checks `name` and a string `code`, not `instanceof`.
 * The apps' one test for "a known error: print one line, not the stack".
 */
export function isPowerTokenError(error: unknown): error is PowerTokenError {
  return error instanceof Error && NAMES.has(error.name) && typeof (error as { code?: unknown }).code === "string";
}
