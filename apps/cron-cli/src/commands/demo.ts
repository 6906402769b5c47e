import { command } from "../_command.js";

export default command({
  name: "powertoken demo",
  description: "Run a whole simulated study day against built-in simulators: no accounts, a temporary database.",
  examples: ["powertoken demo"],
  run(_args, env) {
    env.out.line("demo: pending");
  },
});
