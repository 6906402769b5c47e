import { loadConfig, type LoadedConfig } from "@powertoken/core";
import type { CommandEnv } from "./_command.js";

/**
 * Loads the configuration for a command: `--config`, else `$POWERTOKEN_CONFIG`, else
 * `./powertoken.config.json`, with environment overrides applied.
 * @throws CoreError CONFIG_NOT_FOUND, CONFIG_INVALID (exit 2, naming the key)
 */
export function loadCliConfig(args: { config?: string | undefined }, env: CommandEnv): LoadedConfig {
  return loadConfig({ env: env.env, cwd: env.cwd, ...(args.config ? { path: args.config } : {}) });
}
