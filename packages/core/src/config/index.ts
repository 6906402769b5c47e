export { ConfigSchema, type PowerTokenConfig, type PowerTokenConfigInput } from "./schema.js";
export { loadConfig, DEFAULT_CONFIG_FILE, type LoadConfigOptions, type LoadedConfig } from "./load-config.js";
export { ENV_OVERRIDES, SECRET_KEYS, type EnvOverride } from "./env-overrides.js";
export { redactConfig, redactDatabaseUrl } from "./redact-config.js";
export { isIanaTimeZone } from "./time-zone.js";
