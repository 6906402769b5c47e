/** Why the daemon refused to start or stopped; the message says what to do about it. */
export type DaemonErrorCode =
  | "USAGE" // unknown flag or a flag without its value
  | "SCHEDULE_INVALID" // a daemon.*Schedule key is not a cron expression croner accepts
  | "INSTANCE_LOCKED" // another daemon already serves this SQLite database
  | "DATA_FOLDER_UNUSABLE" // the SQLite database's folder is missing or not writable (no study set up there)
  | "HTTP_LISTEN_FAILED" // the health/metrics port could not be bound
  | "WEB_CONFIG_INCOMPLETE"; // web.publicUrl is set without web.studyName or web.contact

/** The one error class of the daemon. */
export class DaemonError extends Error {
  override readonly name = "DaemonError";
  readonly code: DaemonErrorCode;
  /** For SCHEDULE_INVALID, WEB_CONFIG_INCOMPLETE, DATA_FOLDER_UNUSABLE and HTTP_LISTEN_FAILED: the config key, e.g. `daemon.pollSchedule`. */
  readonly key: string | undefined;

  constructor(code: DaemonErrorCode, message: string, extra: { key?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.key = extra.key;
  }
}

/** True for a DaemonError (checks `name` and `code`, not only `instanceof`). */
export function isDaemonError(error: unknown): error is DaemonError {
  return (
    error instanceof DaemonError ||
    (error instanceof Error && error.name === "DaemonError" && typeof (error as DaemonError).code === "string")
  );
}
