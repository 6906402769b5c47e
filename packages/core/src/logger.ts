/** Structured fields of a log line. Never put a token, password or secret in them. */
export type LogFields = Record<string, unknown>;

/** What core logs through; the apps hand in pino, consola or a test recorder. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything: the default when the caller passes none. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
