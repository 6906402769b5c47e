import { probeParticipantTracker } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { EXIT, UsageError } from "../../_errors.js";

export default command({
  name: "powertoken tracker probe",
  description:
    "On the participant's Google Health account, write a labelled test exercise for their today, read it back, compare the day's step total before and after, then delete it. Exits 1 when it could not write and read back, could not delete, or lacks the read permission.",
  examples: ["powertoken tracker probe alice", "powertoken tracker probe 3 --steps 2500 --json"],
  args: {
    participant: { type: "positional", description: "Study name or id" },
    steps: { type: "string", description: "Steps of the test exercise (1-100000, default 4321)", valueHint: "n" },
  },
  async run(args, env) {
    const steps = args.steps === undefined ? undefined : Number(args.steps);
    if (steps !== undefined && !(Number.isSafeInteger(steps) && steps >= 1 && steps <= 100_000)) {
      throw new UsageError(`--steps must be a whole number from 1 to 100000, got "${args.steps}".`);
    }
    const { config } = loadCliConfig(args, env);
    const probe = await withRuntime(config, (runtime) => probeParticipantTracker(runtime, args.participant, steps === undefined ? {} : { steps }));
    env.out.result(probe, () => {
      env.out.line(`${probe.name}, ${probe.localDate} (${probe.timeZone}), test exercise of ${probe.steps} steps:`);
      for (const line of probe.lines) env.out.line(`  ${line}`);
    });
    const failed = probe.missingScope !== null || !probe.writtenAndReadBack || !probe.deleted;
    return failed ? EXIT.failed : EXIT.ok;
  },
});
