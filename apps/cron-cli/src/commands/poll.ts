import { command } from "../_command.js";
import { runGuardedJob } from "../_guarded-job.js";
import { jobArgs } from "../_job.js";

export default command({
  name: "powertoken poll",
  description: "The 15-minute job: read WEconnect progress and update each due participant's tracker.",
  examples: [
    "powertoken poll                      # participants with an activity starting or ending soon",
    "powertoken poll --all                # every active participant",
    "powertoken poll --participant alice,bob --dry-run --json",
  ],
  args: jobArgs,
  run: (args, env) => runGuardedJob("poll", args, env),
});
