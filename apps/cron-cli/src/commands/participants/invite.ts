import { createInvite, createInvites, findParticipant, revokeInvites, DEFAULT_INVITE_TTL_MS, type CreatedInvite, type ParticipantStatus } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { UsageError } from "../../_errors.js";

// Issue 11's names for the states, mapped to the stored ones; `pending` is everyone not yet syncing.
const STATES: Record<string, readonly ParticipantStatus[]> = {
  "needs-weconnect-signin": ["needs-weconnect-signin"],
  "needs-tracker-consent": ["needs-tracker-consent"],
  "needs-backend-move": ["needs-google-health"],
  "needs-google-health": ["needs-google-health"],
  pending: ["needs-weconnect-signin", "needs-tracker-consent", "needs-google-health"],
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `14d`, `36h`, `90m` → milliseconds. */
function parseDuration(text: string | undefined): number {
  if (text === undefined) return DEFAULT_INVITE_TTL_MS;
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) throw new UsageError(`--expires takes a duration like 14d, 36h or 90m; got "${text}".`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

function parseStates(text: string | undefined): ParticipantStatus[] {
  if (!text) throw new UsageError(`--all needs --state (${Object.keys(STATES).join(", ")}).`);
  const states = new Set<ParticipantStatus>();
  for (const name of text.split(",").map((s) => s.trim())) {
    const mapped = STATES[name];
    if (!mapped) throw new UsageError(`Unknown --state "${name}"; use ${Object.keys(STATES).join(", ")}.`);
    for (const s of mapped) states.add(s);
  }
  return [...states];
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export default command({
  name: "powertoken participants invite",
  description: "Make personal links participants open to sign in to WEconnect and connect their tracker themselves (or revoke them).",
  examples: [
    "powertoken participants invite alice",
    "powertoken participants invite --all --state pending --csv > invites.csv",
    "powertoken participants invite --all --state needs-backend-move --expires 30d --json",
    "powertoken participants invite revoke alice",
  ],
  args: {
    participant: { type: "positional", required: false, description: "Study name or id; or `revoke` followed by one" },
    revokeWho: { type: "positional", required: false, description: "After `revoke`: the participant whose links to void" },
    all: { type: "boolean", description: "One link per participant in --state" },
    state: { type: "string", description: "With --all: needs-weconnect-signin, needs-tracker-consent, needs-backend-move or pending (comma-separated for several)", valueHint: "state" },
    expires: { type: "string", description: "How long the links work (default 14d)", valueHint: "14d" },
    csv: { type: "boolean", description: "Print name,url,expires_at as CSV for a mail merge" },
  },
  async run(args, env) {
    if (args.participant === "revoke") {
      const ref = args.revokeWho;
      if (!ref) throw new UsageError("Name the participant whose links to revoke: powertoken participants invite revoke <name>.");
      const { config } = loadCliConfig(args, env);
      const { participant, revoked } = await withRuntime(config, async (runtime) => {
        const found = await findParticipant(runtime, ref);
        return { participant: found, revoked: await revokeInvites(runtime, found.id) };
      });
      env.out.result({ participant: { id: participant.id, name: participant.name }, revoked }, () =>
        env.out.log.success(`Revoked ${revoked} link${revoked === 1 ? "" : "s"} of ${participant.name}.`),
      );
      return;
    }
    if (args.revokeWho !== undefined) throw new UsageError("Name one participant, or use --all --state <state>.");
    if (args.all === Boolean(args.participant)) throw new UsageError("Name one participant, or use --all --state <state>.");
    if (args.csv && args.json) throw new UsageError("Choose one of --csv and --json.");
    const expiresInMs = parseDuration(args.expires);
    const states = args.all ? parseStates(args.state) : [];
    const { config } = loadCliConfig(args, env);
    const invites: CreatedInvite[] = await withRuntime(config, async (runtime) => {
      if (args.all) return createInvites(runtime, { states, expiresInMs });
      const participant = await findParticipant(runtime, args.participant!);
      return [await createInvite(runtime, { participantId: participant.id, expiresInMs })];
    });
    // The link is the secret: it goes to stdout for the coordinator, never to a log.
    const rows = invites.map((i) => ({ name: i.participantName, inviteId: i.inviteId, url: i.url, expiresAt: i.expiresAt.toISOString() }));
    if (args.csv) {
      env.out.line("name,url,expires_at");
      for (const r of rows) env.out.line([r.name, r.url, r.expiresAt].map(csvField).join(","));
      return;
    }
    env.out.result({ invites: rows }, () => {
      if (rows.length === 0) env.out.log.info("No participant is in that state.");
      for (const r of rows) env.out.line(`${r.name}  ${r.url}  (expires ${r.expiresAt})`);
    });
  },
});
