import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken participants",
  description: "Enroll, list, inspect, pause and remove study participants.",
  examples: [
    "powertoken participants add alice --time-zone America/Chicago",
    "powertoken participants import roster.csv",
    "powertoken participants list --json",
    "powertoken participants show alice",
    "powertoken participants pause alice --reason 'in hospital'",
    "powertoken participants resume alice",
    "powertoken participants remove alice --yes",
  ],
  subCommands: {
    add: lazy("Enroll one participant", () => import("./add.js")),
    list: lazy("List participants", () => import("./list.js")),
    show: lazy("One participant in detail (no tokens)", () => import("./show.js")),
    pause: lazy("Stop polling and maintaining one participant until resumed (audited)", () => import("./pause.js")),
    resume: lazy("Poll and maintain a paused participant again", () => import("./resume.js")),
    remove: lazy("Delete a participant (audit history kept)", () => import("./remove.js")),
    import: lazy("Enroll from a CSV or JSON roster, all or nothing", () => import("./import.js")),
    invite: lazy("Personal links to sign in and connect a tracker; `invite revoke <name>` voids them", () => import("./invite.js")),
  },
});
