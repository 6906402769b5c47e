/** Why a core operation failed as a whole (a participant's own failure is reported, not thrown). */
export type CoreErrorCode =
  | "CONFIG_NOT_FOUND" // the config file named does not exist
  | "CONFIG_INVALID" // a key has a wrong value; the message names the key
  | "RUN_IN_PROGRESS" // another run of the same job holds the lock
  | "ABORTED"; // the caller's signal stopped the run before it finished

/** The one error class of @powertoken/core. */
export class CoreError extends Error {
  override readonly name = "CoreError";
  readonly code: CoreErrorCode;
  /** For CONFIG_INVALID: the dotted key path that was wrong, e.g. `poll.concurrency`. */
  readonly key: string | undefined;

  constructor(code: CoreErrorCode, message: string, extra: { key?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.key = extra.key;
  }
}

/** True for a CoreError from any copy of this package (ESM and CJS builds may both be loaded). */
export function isCoreError(error: unknown): error is CoreError {
  return (
    error instanceof CoreError ||
    (error instanceof Error && error.name === "CoreError" && typeof (error as CoreError).code === "string")
  );
}
