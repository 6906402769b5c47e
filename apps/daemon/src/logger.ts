import { isPowerTokenError, type Logger } from "@powertoken/core";
import { isDaemonError } from "./errors.js";
import { destination, pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from "pino";

/** Token-ish keys censored by pino at the top level and up to two levels down: defence in depth, core logs none. */
const SECRET_KEYS = [
  "token",
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "idToken",
  "password",
  "secret",
  "clientSecret",
  "client_secret",
  "authorization",
  "cookie",
  "encryptionKey",
];

/** pino `redact` paths for {@link SECRET_KEYS}. */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** @default "info" */
  level?: string;
  /** Where JSON lines go. @default stdout */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ replica }`. */
  base?: Record<string, unknown>;
}

/** A pino instance plus the same logger shaped as core's `Logger`. */
export interface DaemonLogger {
  pino: PinoLogger;
  logger: Logger;
}

/**
 * Create the daemon's JSON logger: pino with secrets redacted, errors serialised under `err` or
 * `error`, adapted to core's `Logger` (`info(message, fields)`).
 */
export function createLogger(options: CreateLoggerOptions = {}): DaemonLogger {
  const instance = pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid, ...options.base },
      redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      timestamp: stdTimeFunctions.isoTime,
    },
    options.destination ?? destination({ dest: 1, sync: true }),
  );
  return { pino: instance, logger: adaptPino(instance) };
}

/** Shape a pino logger as core's `Logger`. */
export function adaptPino(instance: PinoLogger): Logger {
  return {
    debug: (message, fields) => instance.debug(fields ?? {}, message),
    info: (message, fields) => instance.info(fields ?? {}, message),
    warn: (message, fields) => instance.warn(fields ?? {}, message),
    error: (message, fields) => instance.error(fields ?? {}, message),
  };
}

/**
 * Log fields for an error: a PowerToken or daemon error as its `code` and `message` only (a known
 * condition; its message says what to do, and a stack would bury it), anything else whole under
 * `error` with its stack, since that is a bug to investigate.
 * @example log.error("poll run failed", { job: "poll", ...errorFields(error) })
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (isPowerTokenError(error) || isDaemonError(error)) return { code: error.code, message: error.message };
  return { error };
}
