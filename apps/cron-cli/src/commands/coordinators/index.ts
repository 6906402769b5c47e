import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken coordinators",
  description: "Study-team accounts of the web dashboard: add, list, remove, reset a password.",
  examples: [
    "powertoken coordinators add pi@example.org --role admin   # asks for the password, hidden",
    "printf '%s\\n' \"$PW\" | powertoken coordinators add ra@example.org",
    "powertoken coordinators list --json",
    "powertoken coordinators reset-password ra@example.org",
    "powertoken coordinators remove ra@example.org",
  ],
  subCommands: {
    add: lazy("Create a dashboard account (role viewer unless --role admin)", () => import("./add.js")),
    list: lazy("List dashboard accounts", () => import("./list.js")),
    remove: lazy("Delete an account; its sessions end at once", () => import("./remove.js")),
    "reset-password": lazy("Set a new password; every session of the account ends", () => import("./reset-password.js")),
  },
});
