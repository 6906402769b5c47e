import { command, lazy } from "../../_command.js";

export default command({
  name: "powertoken connect",
  description: "Link a participant's WEconnect account or tracker (Google Health / legacy Fitbit).",
  examples: ["powertoken connect weconnect alice", "powertoken connect tracker alice", "powertoken connect tracker alice --no-browser"],
  subCommands: {
    weconnect: lazy("Sign in to WEconnect; store the token only", () => import("./weconnect.js")),
    tracker: lazy("OAuth (PKCE) through a loopback redirect", () => import("./tracker.js")),
  },
});
