import { findParticipant, getStatusReport } from "@powertoken/core";
import { linkState } from "../_link-state.js";
import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { withRuntime } from "../_database.js";

export default command({
  name: "powertoken status",
  description: "A table per participant: state, last poll, today's check-ins, what the tracker shows, token health, personal link (sent / opened / completed), last error.",
  examples: ["powertoken status", "powertoken status --participant alice", "powertoken status --json | jq '.participants[] | select(.lastError)'"],
  args: {
    participant: { type: "string", description: "Only this participant (name or id)", valueHint: "name" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const report = await withRuntime(config, async (runtime) => {
      const only = args.participant === undefined ? {} : { participantIds: [(await findParticipant(runtime, args.participant)).id] };
      return getStatusReport(runtime, only);
    });
    const now = report.at;
    const views = report.participants;
    env.out.result({ at: now, counts: report.counts, participants: views }, () =>
      env.out.table(views, [
        { header: "participant", value: (v) => v.name },
        { header: "state", value: (v) => (v.pausedAt ? `${v.state}, paused since ${v.pausedAt.toISOString().slice(0, 16).replace("T", " ")}` : v.state) },
        { header: "last poll", value: (v) => (v.lastPollAt ? ago(v.lastPollAt, now) : "never") },
        { header: "check-ins", value: (v) => (v.checkIns ? `${v.checkIns.done}/${v.checkIns.planned}` : "-") },
        { header: "tracker shows", value: (v) => (v.tracker ? `${v.tracker.nothingShown ? "nothing (0)" : (v.tracker.steps ?? "-")}${v.tracker.pending ? " (pending)" : ""}` : "-") },
        { header: "label", value: (v) => v.tracker?.label },
        { header: "tokens (WEconnect / tracker)", value: (v) => `${v.tokens.weconnect} / ${v.tokens.tracker}` },
        { header: "link", value: (v) => (v.link ? linkState(v.link, now) : "-") },
        { header: "last error", value: (v) => (v.lastError ? `${v.lastError.code}: ${v.lastError.message}`.slice(0, 60) : "") },
      ]),
    );
  },
});

function ago(at: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  return at.toISOString().slice(0, 16).replace("T", " ");
}
