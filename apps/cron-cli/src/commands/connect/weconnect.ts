import { saveWeconnectAccount } from "@powertoken/db";
import { createWeconnectClient } from "@powertoken/weconnect";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";
import { CliError } from "../../_errors.js";
import { findParticipant } from "../../_participant-ref.js";
import { ask, readFirstLine } from "../../_prompt.js";
import { settleStatus } from "../../_status.js";

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

    const result = await withDatabase(config, async (handle) => {
      const participant = await findParticipant(handle, args.participant);
      if (handle.keys === undefined) {
        throw new CliError("NOT_CONFIGURED", "No encryption key is configured (encryption.keyFile or POWERTOKEN_ENCRYPTION_KEY), so the token cannot be stored. Run `powertoken init`.");
      }
      const client = createWeconnectClient({ baseUrl: config.weconnect.baseUrl, timeoutMs: config.weconnect.timeoutMs });
      const login = await client.login(email, password);
      await saveWeconnectAccount(handle.db, handle.keys, {
        participantId: participant.id,
        personId: String(login.personId),
        accessToken: login.token,
        tokenExpiresAt: login.expiresAt,
      });
      const status = await settleStatus(handle, participant);
      return { participant: participant.name, personId: String(login.personId), tokenExpiresAt: login.expiresAt, status };
    });
    env.out.result(result, () => {
      env.out.log.success(`${result.participant} is linked to WEconnect person ${result.personId}${result.tokenExpiresAt ? ` (token valid until ${result.tokenExpiresAt.toISOString().slice(0, 10)})` : ""}.`);
      if (result.status === "needs-tracker-consent") env.out.line(`Next: powertoken connect tracker ${result.participant}`);
    });
  },
});
