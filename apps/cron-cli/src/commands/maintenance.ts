import { command } from "../_command.js";
import { runGuardedJob } from "../_guarded-job.js";
import { jobArgs } from "../_job.js";

export default command({
  name: "powertoken maintenance",
  description: "The hourly job: refresh tokens, sync activities and today's events, remove stale sign-ups.",
  examples: ["powertoken maintenance", "powertoken maintenance --participant alice --dry-run", "powertoken maintenance --json"],
  args: jobArgs,
  run: (args, env) => runGuardedJob("maintenance", args, env),
});
