import { describeParticipant, findParticipant } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withRuntime } from "../../_database.js";
import { linkHistory } from "../../_link-state.js";

export default command({
  name: "powertoken participants show",
  description: "Show one participant: settings, linked accounts (never their tokens), personal links sent / opened / completed, and recent audit entries.",
  examples: ["powertoken participants show alice", "powertoken participants show 3 --json"],
  args: { participant: { type: "positional", description: "Study name or id" } },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const view = await withRuntime(config, async (runtime) => describeParticipant(runtime, (await findParticipant(runtime, args.participant)).id));
    env.out.result(view, () => {
      const p = view.participant;
      env.out.line(`${p.name} (id ${p.id})`);
      env.out.line(`  state        ${p.status}${p.pausedAt ? `, paused since ${p.pausedAt.toISOString()} (not polled or maintained)` : ""}`);
      env.out.line(`  time zone    ${p.timeZone}`);
      env.out.line(`  enrolled     ${p.enrollmentStart} → ${p.enrollmentEnd ?? "open"}`);
      env.out.line(`  mapping      ${p.mapping} (goal ${p.goalSteps} steps, ${p.stepsPerUnit} per unit)`);
      const unreadable = view.tokenProblem ? `token unreadable (${view.tokenProblem.code}): ${view.tokenProblem.message}` : "not connected";
      env.out.line(`  WEconnect    ${view.weconnect ? `person ${view.weconnect.personId}, ${view.weconnect.status}` : unreadable}`);
      for (const t of view.trackers) env.out.line(`  tracker      ${t.backend}, ${t.status}${t.statusReason ? ` (${t.statusReason})` : ""}`);
      if (view.trackers.length === 0) env.out.line("  tracker      not connected");
      // Newest first; the latest link is the one that matters, older ones show the history.
      for (const link of view.links) env.out.line(`  link         ${linkHistory(link, new Date())}`);
      if (view.links.length === 0) env.out.line("  link         none sent (`powertoken participants invite`)");
      if (view.recent.length > 0) {
        env.out.line();
        env.out.table(view.recent, [
          { header: "at", value: (e) => e.at.toISOString() },
          { header: "action", value: (e) => e.action },
          { header: "outcome", value: (e) => e.outcome },
          { header: "steps", value: (e) => e.steps, align: "right" },
          { header: "detail", value: (e) => e.detail },
        ]);
      }
    });
  },
});
