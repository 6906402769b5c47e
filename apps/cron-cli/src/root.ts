import { command, lazy } from "./_command.js";

/** The `powertoken` command tree; each subcommand lives in its own file under `commands/`. */
export const root = command({
  name: "powertoken",
  description: "Mirror WEconnect recovery check-ins onto participants' tracker step displays.",
  examples: [
    "powertoken demo                      # everything against built-in simulators, no accounts",
    "powertoken init                      # write powertoken.config.json + key, create the database",
    "powertoken participants import roster.csv",
    "powertoken connect weconnect alice",
    "powertoken connect tracker alice",
    "powertoken crontab                   # the two cron lines (maintenance hourly, poll every 15 min)",
  ],
  subCommands: {
    init: lazy("Write a config file and key, create and migrate the database", () => import("./commands/init.js")),
    config: lazy("Show the configuration in effect (secrets hidden)", () => import("./commands/config.js")),
    db: lazy("Database: migrate, status, rotate-key", () => import("./commands/db/index.js")),
    participants: lazy("Enroll, list, show, remove and import participants", () => import("./commands/participants/index.js")),
    connect: lazy("Link a participant's WEconnect account or tracker", () => import("./commands/connect/index.js")),
    tracker: lazy("Check a participant's tracker live (probe: does a written exercise count?)", () => import("./commands/tracker/index.js")),
    maintenance: lazy("The hourly job (tokens, activities, events)", () => import("./commands/maintenance.js")),
    poll: lazy("The 15-minute job (progress → tracker)", () => import("./commands/poll.js")),
    status: lazy("Per participant: state, last poll, check-ins, tracker, tokens, last error", () => import("./commands/status.js")),
    log: lazy("The audit log, filterable", () => import("./commands/log.js")),
    coordinators: lazy("Dashboard accounts: add, list, remove, reset-password", () => import("./commands/coordinators/index.js")),
    export: lazy("Export the day table as CSV or JSON lines", () => import("./commands/export/index.js")),
    crontab: lazy("Print the two cron lines with absolute paths", () => import("./commands/crontab.js")),
    demo: lazy("A simulated study day against built-in simulators, no accounts", () => import("./commands/demo.js")),
    simulate: lazy("Run the simulators until Ctrl-C, to try the CLI", () => import("./commands/simulate.js")),
  },
});
