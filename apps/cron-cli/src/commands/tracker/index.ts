import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken tracker",
  description: "Check a participant's tracker account live.",
  examples: ["powertoken tracker probe alice", "powertoken tracker probe alice --json"],
  subCommands: {
    probe: lazy("Write, read back and delete a test exercise on Google Health; does the day's total rise?", () => import("./probe.js")),
  },
});
