import { findParticipant, removeParticipant } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { UsageError } from "../../_errors.js";

export default command({
  name: "powertoken participants remove",
  description: "Delete a participant with their accounts, activities and days (the audit log keeps their history).",
  examples: ["powertoken participants remove alice --yes", "powertoken participants remove 7 --yes --reason 'withdrew consent'"],
  args: {
    participant: { type: "positional", description: "Study name or id" },
    yes: { type: "boolean", description: "Confirm the removal (required: it cannot be undone)" },
    reason: { type: "string", description: "Why, for the audit log", valueHint: "text" },
  },
  async run(args, env) {
    if (!args.yes) throw new UsageError("Removing a participant cannot be undone: add --yes to confirm.");
    const { config } = loadCliConfig(args, env);
    const removed = await withRuntime(config, async (runtime) => {
      const participant = await findParticipant(runtime, args.participant);
      return removeParticipant(runtime, participant.id, { reason: args.reason ?? "removed with `powertoken participants remove`" });
    });
    env.out.result({ removed: { id: removed.id, name: removed.name } }, () => env.out.log.success(`Removed ${removed.name} (id ${removed.id}).`));
  },
});
