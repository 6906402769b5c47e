import { findParticipant, pauseParticipant } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { printable } from "../../_printable.js";

export default command({
  name: "powertoken participants pause",
  description: "Stop polling and maintaining a participant (their state and tracker entries stay) until `participants resume`.",
  examples: ["powertoken participants pause alice", "powertoken participants pause 7 --reason 'in hospital for a week'"],
  args: {
    participant: { type: "positional", description: "Study name or id" },
    reason: { type: "string", description: "Why, for the audit log", valueHint: "text" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const { participant, changed } = await withRuntime(config, async (runtime) => {
      const found = await findParticipant(runtime, args.participant);
      return pauseParticipant(runtime, found.id, { reason: args.reason ?? "paused with `powertoken participants pause`" });
    });
    const name = printable(participant.name);
    env.out.result({ paused: { id: participant.id, name: participant.name, pausedAt: participant.pausedAt }, changed }, () =>
      changed
        ? env.out.log.success(`Paused ${name} (id ${participant.id}): not polled or maintained until \`powertoken participants resume ${participant.id}\`.`)
        : env.out.log.info(`${name} (id ${participant.id}) was already paused (since ${participant.pausedAt?.toISOString() ?? "?"}); nothing changed.`),
    );
  },
});
