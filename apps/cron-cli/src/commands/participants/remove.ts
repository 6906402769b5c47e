import { removeParticipant } from "@powertoken/db";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";
import { UsageError } from "../../_errors.js";
import { findParticipant } from "../../_participant-ref.js";

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
    const removed = await withDatabase(config, async (handle) => {
      const participant = await findParticipant(handle, args.participant);
      return removeParticipant(handle.db, { participantId: participant.id, reason: args.reason ?? "removed with `powertoken participants remove`" });
    });
    env.out.result({ removed: { id: removed.id, name: removed.name } }, () => env.out.log.success(`Removed ${removed.name} (id ${removed.id}).`));
  },
});
