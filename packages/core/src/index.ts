export { CoreError, isCoreError, type CoreErrorCode } from "./errors.js";
export { silentLogger, type Logger, type LogFields } from "./logger.js";
export * from "./config/index.js";
