import { enrolParticipant } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { UsageError } from "../../_errors.js";
import { parseCount } from "../../_participant-ref.js";
import { RosterRowSchema } from "../../_roster.js";

/** The roster field a problem names → the flag the operator typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  name: "name",
  timeZone: "--time-zone",
  enrollmentStart: "--start",
  enrollmentEnd: "--end",
  mapping: "--mapping",
  goalSteps: "--goal-steps",
  stepsPerUnit: "--steps-per-unit",
};

export default command({
  name: "powertoken participants add",
  description: "Enroll one participant (then `connect weconnect` and `connect tracker`).",
  examples: [
    "powertoken participants add alice",
    "powertoken participants add bob --time-zone Europe/Berlin --mapping tally --steps-per-unit 25000",
    "powertoken participants add carol --start 2026-12-01 --end 2026-12-28 --json",
  ],
  args: {
    name: { type: "positional", description: "Study name given by the researchers (unique)" },
    "time-zone": { type: "string", description: "IANA time zone (default: config defaults.timeZone)", valueHint: "zone" },
    start: { type: "string", description: "First day of enrollment, YYYY-MM-DD (default: today there)", valueHint: "date" },
    end: { type: "string", description: "Last day of enrollment, YYYY-MM-DD (default: open-ended)", valueHint: "date" },
    mapping: { type: "string", description: "seed | plan | weight | tally | charge (default: config defaults.mapping)", valueHint: "name" },
    "goal-steps": { type: "string", description: "Steps shown at 100 % (plan, weight, seed)", valueHint: "n" },
    "steps-per-unit": { type: "string", description: "Steps per check-in (tally) or weight point (charge)", valueHint: "n" },
  },
  async run(args, env) {
    for (const flag of ["time-zone", "start", "end", "mapping"] as const) {
      // An empty value would fall back to the default (a time zone of "" became UTC): refuse it.
      if (args[flag] === "") throw new UsageError(`--${flag} needs a value.`);
    }
    const { config } = loadCliConfig(args, env);
    const row = RosterRowSchema.safeParse({
      name: args.name,
      timeZone: args["time-zone"],
      enrollmentStart: args.start,
      enrollmentEnd: args.end,
      mapping: args.mapping,
      goalSteps: parseCount(args["goal-steps"], "goal-steps", (m) => new UsageError(m)),
      stepsPerUnit: parseCount(args["steps-per-unit"], "steps-per-unit", (m) => new UsageError(m)),
    });
    if (!row.success) {
      const issue = row.error.issues[0];
      const field = String(issue?.path[0] ?? "");
      throw new UsageError(`${FLAG_OF_FIELD[field] ?? (field || "argument")}: ${issue?.message ?? "invalid"}`);
    }
    const participant = await withRuntime(config, (runtime) =>
      enrolParticipant(runtime, {
        name: row.data.name,
        ...(row.data.timeZone === undefined ? {} : { timeZone: row.data.timeZone }),
        ...(row.data.enrollmentStart === undefined ? {} : { startDate: row.data.enrollmentStart }),
        endDate: row.data.enrollmentEnd ?? null,
        ...(row.data.mapping === undefined ? {} : { mapping: row.data.mapping }),
        ...(row.data.goalSteps === undefined ? {} : { goalSteps: row.data.goalSteps }),
        ...(row.data.stepsPerUnit === undefined ? {} : { scale: row.data.stepsPerUnit }),
      }),
    );
    env.out.result({ participant }, () => {
      env.out.log.success(`Enrolled ${participant.name} (id ${participant.id}, ${participant.timeZone}, mapping ${participant.mapping}).`);
      env.out.line(`Next: powertoken connect weconnect ${participant.name}`);
    });
  },
});
