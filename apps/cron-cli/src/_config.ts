import { loadConfig, type LoadedConfig } from "@powertoken/core";
import type { CommandEnv } from "./_command.js";
import { environmentWithFile } from "./_env-file.js";

/**
 * Loads the configuration for a command: `--config`, else `$POWERTOKEN_CONFIG`, else
 * `./powertoken.config.json`, with environment overrides applied (the process environment, plus
 * what `--env-file` adds: see `environmentWithFile`).
 * @throws CoreError CONFIG_NOT_FOUND, CONFIG_INVALID (exit 2, naming the key); CliError ENV_FILE (exit 2)
 */
export function loadCliConfig(args: { config?: string | undefined; "env-file"?: string | undefined }, env: CommandEnv): LoadedConfig {
  const variables = environmentWithFile(env.env, args["env-file"], env.cwd);
  return loadConfig({ env: variables, cwd: env.cwd, ...(args.config ? { path: args.config } : {}) });
}
