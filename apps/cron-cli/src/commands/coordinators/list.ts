import { listCoordinators } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";

export default command({
  name: "powertoken coordinators list",
  description: "Every dashboard account with its role (never a password or hash).",
  examples: ["powertoken coordinators list", "powertoken coordinators list --json"],
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const coordinators = await withRuntime(config, (runtime) => listCoordinators(runtime));
    env.out.result({ coordinators }, () =>
      coordinators.length === 0
        ? env.out.log.info("No coordinators yet: add one with `powertoken coordinators add <email> --role admin`.")
        : env.out.table(coordinators, [
            { header: "email", value: (c) => c.email },
            { header: "role", value: (c) => c.role },
            { header: "added", value: (c) => c.createdAt.toISOString().slice(0, 10) },
          ]),
    );
  },
});
