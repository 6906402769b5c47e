import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken participants",
  description: "Enroll, list, inspect and remove study participants.",
  examples: [
    "powertoken participants add alice --time-zone America/Chicago",
    "powertoken participants import roster.csv",
    "powertoken participants list --json",
    "powertoken participants show alice",
    "powertoken participants remove alice --yes",
  ],
  subCommands: {
    add: lazy("Enroll one participant", () => import("./add.js")),
    list: lazy("List participants", () => import("./list.js")),
    show: lazy("One participant in detail (no tokens)", () => import("./show.js")),
    remove: lazy("Delete a participant (audit history kept)", () => import("./remove.js")),
    import: lazy("Enroll from a CSV or JSON roster, all or nothing", () => import("./import.js")),
    invite: lazy("Personal links to sign in and connect a tracker; `invite revoke <name>` voids them", () => import("./invite.js")),
  },
});
