import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { withRuntime } from "../_database.js";
import { UsageError } from "../_errors.js";
import { findParticipant, isCalendarDate, listAuditLog } from "@powertoken/core";

export default command({
  name: "powertoken log",
  description: "The audit log (every tracker write and removal, maintenance actions), newest first.",
  examples: ["powertoken log", "powertoken log --participant alice --since 2026-12-01 --limit 20", "powertoken log --since 24h --json"],
  args: {
    participant: { type: "string", description: "Only this participant (name or id)", valueHint: "name" },
    since: { type: "string", description: "From this date/time (ISO, e.g. 2026-12-01) or this long ago (90m, 24h, 7d)", valueHint: "when" },
    limit: { type: "string", description: "At most this many rows (default 50)", valueHint: "n" },
  },
  async run(args, env) {
    const since = args.since === undefined ? undefined : parseSince(args.since, new Date());
    // The flag parser reads `--limit -3` as a flag and leaves the value empty: say what happened.
    if (args.limit === "") throw new UsageError("--limit needs a whole number above 0 (negative numbers are not allowed).");
    const limit = args.limit === undefined ? 50 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number above 0, got "${args.limit ?? ""}".`);
    const { config } = loadCliConfig(args, env);
    const entries = await withRuntime(config, async (runtime) => {
      const participantId = args.participant === undefined ? undefined : (await findParticipant(runtime, args.participant)).id;
      return listAuditLog(runtime, { limit, ...(since ? { since } : {}), ...(participantId === undefined ? {} : { participantId }) });
    });
    env.out.result({ entries }, () =>
      env.out.table(entries, [
        { header: "at", value: (e) => e.at.toISOString().slice(0, 19).replace("T", " ") },
        { header: "participant", value: (e) => e.participantName ?? e.participantId },
        { header: "action", value: (e) => e.action },
        { header: "outcome", value: (e) => e.outcome },
        { header: "day", value: (e) => e.localDate },
        { header: "progress", value: (e) => (e.dailyProgress === null ? null : `${Math.round(e.dailyProgress * 100)}%`), align: "right" },
        { header: "steps", value: (e) => e.steps, align: "right" },
        { header: "detail", value: (e) => e.detail },
      ]),
    );
  },
});

/** `2026-12-01`, an ISO instant, or a duration back from now (`90m`, `24h`, `7d`). @throws UsageError */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d+)\s*([mhd])$/.exec(text.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as "m" | "h" | "d"];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const day = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(text)?.[1];
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(at.getTime()) || (day !== undefined && !isCalendarDate(day))) throw new UsageError(`--since must be a date (2026-12-01), a date-time, or a duration like 24h; got "${text}".`);
  return at;
}
