import { addCoordinator } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { UsageError } from "../../_errors.js";
import { readNewPassword } from "./_password.js";

export default command({
  name: "powertoken coordinators add",
  description: "Create a dashboard account. Viewers see everything and change nothing; admins can act. The password is asked on the terminal (hidden) or read from stdin's first line, and stored as a salted scrypt hash.",
  examples: ["powertoken coordinators add pi@example.org --role admin", "printf '%s\\n' \"$PW\" | powertoken coordinators add ra@example.org --json"],
  args: {
    email: { type: "positional", description: "The coordinator's e-mail (their sign-in name)" },
    role: { type: "string", description: "admin or viewer (default viewer)", valueHint: "role" },
  },
  async run(args, env) {
    const role = args.role ?? "viewer";
    if (role !== "admin" && role !== "viewer") throw new UsageError(`--role is admin or viewer, got "${role}".`);
    const { config } = loadCliConfig(args, env);
    const password = await readNewPassword(env);
    const added = await withRuntime(config, (runtime) => addCoordinator(runtime, { email: args.email, role, password }));
    env.out.result({ coordinator: added }, () => env.out.log.success(`Added ${added.email} (${added.role}).`));
  },
});
