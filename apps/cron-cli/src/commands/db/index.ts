import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken db",
  description: "Database schema and encryption key maintenance.",
  examples: ["powertoken db migrate", "powertoken db status --json", "powertoken db rotate-key"],
  subCommands: {
    migrate: lazy("Bring the schema up to date", () => import("./migrate.js")),
    status: lazy("List migrations and whether each has run", () => import("./status.js")),
    "rotate-key": lazy("Re-encrypt stored tokens with a new key", () => import("./rotate-key.js")),
  },
});
