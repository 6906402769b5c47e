import { getDay, listErrors, listParticipants, listTrackerAccounts, loadWeconnectAccount, type DatabaseHandle, type Participant } from "@powertoken/db";
import { command } from "../_command.js";
import { loadCliConfig } from "../_config.js";
import { withDatabase } from "../_database.js";
import { findParticipant, localToday } from "../_participant-ref.js";

/** One participant's row of `powertoken status`. */
export interface ParticipantStatusView {
  id: number;
  name: string;
  state: string;
  localDate: string;
  lastPollAt: Date | null;
  checkIns: { done: number; planned: number } | null;
  tracker: { steps: number | null; label: string | null; pending: boolean } | null;
  tokens: { weconnect: string; tracker: string };
  lastError: { at: Date; code: string; message: string } | null;
}

export default command({
  name: "powertoken status",
  description: "A table per participant: state, last poll, today's check-ins, what the tracker shows, token health, last error.",
  examples: ["powertoken status", "powertoken status --participant alice", "powertoken status --json | jq '.participants[] | select(.lastError)'"],
  args: {
    participant: { type: "string", description: "Only this participant (name or id)", valueHint: "name" },
  },
  async run(args, env) {
    const { config } = loadCliConfig(args, env);
    const now = new Date();
    const views = await withDatabase(config, async (handle) => {
      const participants = args.participant ? [await findParticipant(handle, args.participant)] : await listParticipants(handle.db);
      return Promise.all(participants.map((p) => statusOf(handle, p, now)));
    });
    env.out.result({ at: now, participants: views }, () =>
      env.out.table(views, [
        { header: "participant", value: (v) => v.name },
        { header: "state", value: (v) => v.state },
        { header: "last poll", value: (v) => (v.lastPollAt ? ago(v.lastPollAt, now) : "never") },
        { header: "check-ins", value: (v) => (v.checkIns ? `${v.checkIns.done}/${v.checkIns.planned}` : "-") },
        { header: "tracker shows", value: (v) => (v.tracker ? `${v.tracker.steps ?? "-"}${v.tracker.pending ? " (pending)" : ""}` : "-") },
        { header: "label", value: (v) => v.tracker?.label },
        { header: "tokens (WEconnect / tracker)", value: (v) => `${v.tokens.weconnect} / ${v.tokens.tracker}` },
        { header: "last error", value: (v) => (v.lastError ? `${v.lastError.code}: ${v.lastError.message}`.slice(0, 60) : "") },
      ]),
    );
  },
});

async function statusOf(handle: DatabaseHandle, p: Participant, now: Date): Promise<ParticipantStatusView> {
  const localDate = localToday(p.timeZone, now);
  const day = await getDay(handle.db, p.id, localDate);
  const [lastError] = await listErrors(handle.db, { participantId: p.id, limit: 1 });
  return {
    id: p.id,
    name: p.name,
    state: p.status,
    localDate,
    lastPollAt: day?.updatedAt ?? null,
    checkIns: day ? { done: day.completedCount, planned: day.plannedCount } : null,
    tracker: day ? { steps: day.confirmedSteps, label: day.confirmedLabel, pending: day.needsWrite } : null,
    tokens: { weconnect: await weconnectHealth(handle, p, now), tracker: await trackerHealth(handle, p) },
    lastError: lastError ? { at: lastError.at, code: lastError.code, message: lastError.message } : null,
  };
}

async function weconnectHealth(handle: DatabaseHandle, p: Participant, now: Date): Promise<string> {
  if (handle.keys === undefined) return "unknown (no key)";
  const account = await loadWeconnectAccount(handle.db, handle.keys, p.id).catch(() => undefined);
  if (account === undefined) return "unreadable";
  if (account === null) return "none";
  if (account.status !== "active") return account.status;
  if (account.tokenExpiresAt === null) return "ok";
  const days = Math.floor((account.tokenExpiresAt.getTime() - now.getTime()) / 86_400_000);
  return days < 0 ? "expired" : days < 14 ? `ok (${days} d left)` : "ok";
}

async function trackerHealth(handle: DatabaseHandle, p: Participant): Promise<string> {
  const accounts = await listTrackerAccounts(handle.db, p.id);
  if (accounts.length === 0) return "none";
  return accounts.map((a) => (a.status === "active" ? "ok" : a.status) + (accounts.length > 1 ? ` (${a.backend})` : "")).join(", ");
}

function ago(at: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  return at.toISOString().slice(0, 16).replace("T", " ");
}
