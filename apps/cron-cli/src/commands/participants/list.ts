import { listParticipants, PARTICIPANT_STATUSES, type ParticipantStatus } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { UsageError } from "../../_errors.js";

export default command({
  name: "powertoken participants list",
  description: "List participants with their state.",
  examples: ["powertoken participants list", "powertoken participants list --status needs-tracker-consent", "powertoken participants list --json"],
  args: {
    status: { type: "string", description: `Only this state: ${PARTICIPANT_STATUSES.join(", ")}`, valueHint: "state" },
  },
  async run(args, env) {
    if (args.status !== undefined && !PARTICIPANT_STATUSES.includes(args.status as ParticipantStatus)) {
      throw new UsageError(`--status must be one of ${PARTICIPANT_STATUSES.join(", ")}.`);
    }
    const { config } = loadCliConfig(args, env);
    const participants = await withRuntime(config, (runtime) =>
      listParticipants(runtime, args.status === undefined ? {} : { statuses: [args.status as ParticipantStatus] }),
    );
    env.out.result({ participants }, () =>
      env.out.table(participants, [
        { header: "id", value: (p) => p.id, align: "right" },
        { header: "name", value: (p) => p.name },
        { header: "state", value: (p) => p.status },
        { header: "time zone", value: (p) => p.timeZone },
        { header: "mapping", value: (p) => p.mapping },
        { header: "enrolled", value: (p) => `${p.enrollmentStart} → ${p.enrollmentEnd ?? "open"}` },
      ]),
    );
  },
});
