import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken export",
  description: "Export study data for analysis.",
  examples: ["powertoken export days --since 2026-11-01 --until 2026-11-30 --output days.csv"],
  subCommands: {
    days: lazy("The day table (participant, date, planned, checked in, progress, steps shown, write state) as CSV or JSON lines", () => import("./days.js")),
  },
});
