import { listAudit, listTrackerAccounts, loadWeconnectAccount } from "@powertoken/db";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";
import { findParticipant } from "../../_participant-ref.js";

export default command({
  name: "powertoken participants show",
  description: "Show one participant: settings, linked accounts (never their tokens) and recent audit entries.",
  examples: ["powertoken participants show alice", "powertoken participants show 3 --json"],
  args: { participant: { type: "positional", description: "Study name or id" } },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const view = await withDatabase(config, async (handle) => {
      const participant = await findParticipant(handle, args.participant);
      const weconnect = handle.keys ? await loadWeconnectAccount(handle.db, handle.keys, participant.id).catch(() => null) : null;
      const trackers = await listTrackerAccounts(handle.db, participant.id);
      const recent = await listAudit(handle.db, { participantId: participant.id, limit: 5 });
      return {
        participant,
        weconnect: weconnect && { personId: weconnect.personId, status: weconnect.status, tokenExpiresAt: weconnect.tokenExpiresAt },
        trackers: trackers.map((t) => ({ backend: t.backend, status: t.status, statusReason: t.statusReason, expiresAt: t.expiresAt, scopes: t.scopes })),
        recent,
      };
    });
    env.out.result(view, () => {
      const p = view.participant;
      env.out.line(`${p.name} (id ${p.id})`);
      env.out.line(`  state        ${p.status}`);
      env.out.line(`  time zone    ${p.timeZone}`);
      env.out.line(`  enrolled     ${p.enrollmentStart} → ${p.enrollmentEnd ?? "open"}`);
      env.out.line(`  mapping      ${p.mapping} (goal ${p.goalSteps} steps, ${p.stepsPerUnit} per unit)`);
      env.out.line(`  WEconnect    ${view.weconnect ? `person ${view.weconnect.personId}, ${view.weconnect.status}` : "not connected"}`);
      for (const t of view.trackers) env.out.line(`  tracker      ${t.backend}, ${t.status}${t.statusReason ? ` (${t.statusReason})` : ""}`);
      if (view.trackers.length === 0) env.out.line("  tracker      not connected");
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
