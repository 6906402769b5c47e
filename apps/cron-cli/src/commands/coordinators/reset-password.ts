import { normaliseEmail, resetCoordinatorPassword } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { readNewPassword } from "./_password.js";

export default command({
  name: "powertoken coordinators reset-password",
  description: "Set a new password (asked hidden, or stdin's first line); every session of the account ends.",
  examples: ["powertoken coordinators reset-password ra@example.org", "printf '%s\\n' \"$PW\" | powertoken coordinators reset-password ra@example.org"],
  args: {
    email: { type: "positional", description: "The coordinator's e-mail" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const email = normaliseEmail(args.email);
    const password = await readNewPassword(env);
    await withRuntime(config, (runtime) => resetCoordinatorPassword(runtime, { email, password }));
    env.out.result({ reset: { email } }, () => env.out.log.success(`New password set for ${email}; their sessions have ended.`));
  },
});
