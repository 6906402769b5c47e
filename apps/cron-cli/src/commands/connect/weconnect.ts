import { findParticipant, linkWeconnect } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { CliError } from "../../_errors.js";
import { ask, readFirstLine } from "../../_prompt.js";

export default command({
  name: "powertoken connect weconnect",
  description: "Sign a participant in to WEconnect and store the access token (encrypted). The password is never stored.",
  examples: [
    "powertoken connect weconnect alice                         # asks for e-mail and password",
    "printf '%s\\n' \"$PW\" | powertoken connect weconnect alice --email alice@example.org",
  ],
  args: {
    participant: { type: "positional", description: "Study name or id" },
    email: { type: "string", description: "WEconnect e-mail (asked when omitted on a terminal)", valueHint: "address" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const interactive = Boolean(env.stdin.isTTY);
    const email = args.email ?? (interactive ? (await ask(env.stdin, "WEconnect e-mail: ")).trim() : undefined);
    if (!email) throw new CliError("INPUT_REQUIRED", "No e-mail: pass --email when stdin is not a terminal.");
    const password = interactive ? await ask(env.stdin, "WEconnect password (hidden): ", { hidden: true }) : await readFirstLine(env.stdin, "password");
    if (password === "") throw new CliError("INPUT_REQUIRED", "The password is empty.");

    const result = await withRuntime(config, async (runtime) => {
      const participant = await findParticipant(runtime, args.participant);
      const linked = await linkWeconnect(runtime, { participantId: participant.id, email, password });
      return { participant: participant.name, ...linked };
    });
    env.out.result(result, () => {
      env.out.log.success(`${result.participant} is linked to WEconnect person ${result.personId}${result.tokenExpiresAt ? ` (token valid until ${result.tokenExpiresAt.toISOString().slice(0, 10)})` : ""}.`);
      if (result.status === "needs-tracker-consent") env.out.line(`Next: powertoken connect tracker ${result.participant}`);
    });
  },
});
