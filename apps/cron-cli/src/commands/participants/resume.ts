import { findParticipant, resumeParticipant } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { printable } from "../../_printable.js";

export default command({
  name: "powertoken participants resume",
  description: "Poll and maintain a paused participant again, from the next run.",
  examples: ["powertoken participants resume alice", "powertoken participants resume 7 --json"],
  args: {
    participant: { type: "positional", description: "Study name or id" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const { participant, changed } = await withRuntime(config, async (runtime) => {
      const found = await findParticipant(runtime, args.participant);
      return resumeParticipant(runtime, found.id);
    });
    const name = printable(participant.name);
    env.out.result({ resumed: { id: participant.id, name: participant.name }, changed }, () =>
      changed
        ? env.out.log.success(`Resumed ${name} (id ${participant.id}): the next poll and maintenance include them again.`)
        : env.out.log.info(`${name} (id ${participant.id}) was not paused; nothing changed.`),
    );
  },
});
