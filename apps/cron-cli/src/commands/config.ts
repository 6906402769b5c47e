import { redactConfig } from "@powertoken/core";
import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { renderEnvTable } from "../_env-table.js";

export default command({
  name: "powertoken config",
  description: "Show the configuration in effect (file + environment), with secrets hidden.",
  examples: ["powertoken config", "powertoken config --json", "POWERTOKEN_POLL_CONCURRENCY=4 powertoken config", "powertoken config --env-table"],
  args: {
    "env-table": { type: "boolean", description: "Print the Markdown table of environment variables (the README's)" },
  },
  run(args, env) {
    if (args["env-table"]) {
      env.out.line(renderEnvTable());
      return;
    }
    const { config, path } = loadCliConfig(args, env);
    const safe = redactConfig(config);
    env.out.result({ path, config: safe }, () => {
      env.out.line(`# ${path ?? "no config file: defaults + environment"}`);
      env.out.line(JSON.stringify(safe, null, 2));
    });
  },
});
