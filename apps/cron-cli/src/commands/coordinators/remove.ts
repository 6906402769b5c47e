import { normaliseEmail, removeCoordinator } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";

export default command({
  name: "powertoken coordinators remove",
  description: "Delete a dashboard account; every session it has ends at once.",
  examples: ["powertoken coordinators remove ra@example.org"],
  args: {
    email: { type: "positional", description: "The coordinator's e-mail" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    await withRuntime(config, (runtime) => removeCoordinator(runtime, args.email));
    const email = normaliseEmail(args.email);
    env.out.result({ removed: { email } }, () => env.out.log.success(`Removed ${email}; their sessions have ended.`));
  },
});
