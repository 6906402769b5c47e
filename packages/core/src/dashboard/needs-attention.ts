import { countInviteProgress, listAccountProblems, listNeverConnected, listOnLegacyOnly, listParticipants, listWithoutCheckInSince, type Participant } from "@powertoken/db";
import type { AdminRuntime } from "../admin/admin-runtime.js";

/** Why a participant needs the team's attention. */
export type AttentionReason = "weconnect-token-dead" | "tracker-token-dead" | "needs-backend-move" | "never-connected" | "no-check-in";

/** One participant on the needs-attention list, with every reason that applies. */
export interface AttentionItem {
  participant: Pick<Participant, "id" | "name" | "status" | "timeZone">;
  reasons: AttentionReason[];
}

/**
 * Participants who need a person: a dead WEconnect or tracker token, still on the switched-off
 * legacy Fitbit API (`needs-backend-move`), never connected a tracker, or no check-in for
 * `noCheckInDays` (UTC calendar days). Sorted by name; a participant appears once.
 */
export async function listNeedsAttention(runtime: Pick<AdminRuntime, "db" | "ctx">, options: { noCheckInDays: number; now?: Date }): Promise<AttentionItem[]> {
  const db = runtime.db.db;
  const now = options.now ?? runtime.ctx.now();
  const reasons = new Map<number, Set<AttentionReason>>();
  const add = (id: number, reason: AttentionReason) => (reasons.get(id) ?? reasons.set(id, new Set()).get(id)!).add(reason);
  for (const problem of await listAccountProblems(db)) add(problem.participantId, problem.account === "weconnect" ? "weconnect-token-dead" : "tracker-token-dead");
  for (const id of await listOnLegacyOnly(db)) add(id, "needs-backend-move");
  for (const id of await listNeverConnected(db)) add(id, "never-connected");
  const since = new Date(now.getTime() - options.noCheckInDays * 86_400_000).toISOString().slice(0, 10);
  for (const id of await listWithoutCheckInSince(db, since)) add(id, "no-check-in");
  if (reasons.size === 0) return [];
  const participants = await listParticipants(db, { ids: [...reasons.keys()] });
  // A participant moved to needs-google-health by staff is a backend move even before any link died.
  for (const p of participants) if (p.status === "needs-google-health") reasons.get(p.id)!.add("needs-backend-move");
  return participants
    .map((p) => ({ participant: { id: p.id, name: p.name, status: p.status, timeZone: p.timeZone }, reasons: [...reasons.get(p.id)!].sort() }))
    .sort((a, b) => a.participant.name.localeCompare(b.participant.name));
}

/** Progress of a re-consent campaign: invite links sent, opened, completed, over how many participants. */
export interface ReconsentCampaign {
  sent: number;
  opened: number;
  done: number;
  participants: number;
}

/** Counts over every invite link: sent, opened at least once, completed. */
export async function getReconsentCampaign(runtime: Pick<AdminRuntime, "db">): Promise<ReconsentCampaign> {
  const counts = await countInviteProgress(runtime.db.db);
  return { sent: counts.sent, opened: counts.opened, done: counts.completed, participants: counts.participants };
}
