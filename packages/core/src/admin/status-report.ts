import { getDay, listErrors, listInvites, listParticipants, type Invite, type Participant } from "@powertoken/db";
import { localDateOf } from "@powertoken/weconnect";
import type { ParticipantStatus } from "../data/core-data.js";
import { dayNeedsWrite } from "../poll/decide-write.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { loadLinkedAccounts, trackerHealth, weconnectHealth, type TokenProblem } from "./token-health.js";

/** One participant's row of the status report. */
export interface ParticipantStatusRow {
  id: number;
  name: string;
  state: ParticipantStatus;
  /** True while staff have paused the participant (neither polled nor maintained); the state stays. */
  paused: boolean;
  /** When the pause began; null while not paused. */
  pausedAt: Date | null;
  /** The participant's local today the row describes. */
  localDate: string;
  /** When today's day row was last updated by a poll; null before the first poll of the day. */
  lastPollAt: Date | null;
  checkIns: { done: number; planned: number } | null;
  /**
   * What the tracker confirmed for today; `pending` while a write is not confirmed;
   * `nothingShown` when it confirmed showing nothing (Google Health's 0 steps: no entry, no label).
   */
  tracker: { steps: number | null; label: string | null; pending: boolean; nothingShown: boolean } | null;
  tokens: { weconnect: string; tracker: string };
  /** Set when the WEconnect token could not be decrypted. */
  tokenProblem: TokenProblem | null;
  lastError: { at: Date; code: string; message: string } | null;
}

/** One personal link as staff see it (never its secret): when it was sent, opened and completed. */
export interface InviteLinkSummary {
  /** When the link was made (`powertoken participants invite`, the dashboard): "sent". */
  sentAt: Date;
  expiresAt: Date;
  openedAt: Date | null;
  completedAt: Date | null;
  revokedAt: Date | null;
}

/** A status report row with the participant's latest link. */
export interface StatusReportRow extends ParticipantStatusRow {
  /** The newest personal link; null when none was ever made. */
  link: InviteLinkSummary | null;
}

/** What `powertoken status` shows, as data. */
export interface StatusReport {
  at: Date;
  /** Participants per state (every state present, 0 when none). */
  counts: Record<ParticipantStatus, number>;
  participants: StatusReportRow[];
}

/** An invite record without its hash and ids, for `status` and `participants show`. */
export function inviteLinkSummary(invite: Invite): InviteLinkSummary {
  return { sentAt: invite.createdAt, expiresAt: invite.expiresAt, openedAt: invite.openedAt, completedAt: invite.completedAt, revokedAt: invite.revokedAt };
}

/** Options of {@link getStatusReport}. */
export interface StatusReportOptions {
  /** @default runtime.ctx.now() */
  now?: Date;
  /** Only these participants. @default every participant */
  participantIds?: readonly number[];
}

/**
 * Every participant's state, today's check-ins, what the tracker shows, token health, last
 * error and latest personal link, with counts by state.
 * @example const report = await getStatusReport(runtime); report.counts.active
 */
export async function getStatusReport(runtime: Pick<AdminRuntime, "db" | "ctx">, options: StatusReportOptions = {}): Promise<StatusReport> {
  const at = options.now ?? runtime.ctx.now();
  // Selected in SQL: the dashboard asks for one page of a large study.
  const selected = await listParticipants(runtime.db.db, options.participantIds === undefined ? {} : { ids: options.participantIds });
  const participants: StatusReportRow[] = [];
  for (const p of selected) {
    // The link is read here, not in participantStatusRow: the dashboard's rows do without it.
    const [latest] = await listInvites(runtime.db.db, p.id);
    participants.push({ ...(await participantStatusRow(runtime, p, at)), link: latest ? inviteLinkSummary(latest) : null });
  }
  const counts: Record<ParticipantStatus, number> = { active: 0, "needs-weconnect-signin": 0, "needs-tracker-consent": 0, "needs-google-health": 0, ended: 0 };
  for (const row of participants) counts[row.state] += 1;
  return { at, counts, participants };
}

/** One participant's row of the status report (the one place `status`, the dashboard and the alerts compute it). */
export async function participantStatusRow(runtime: Pick<AdminRuntime, "db">, p: Participant, now: Date): Promise<ParticipantStatusRow> {
  const localDate = localDateOf(now, p.timeZone);
  const day = await getDay(runtime.db.db, p.id, localDate);
  const [lastError] = await listErrors(runtime.db.db, { participantId: p.id, limit: 1 });
  const accounts = await loadLinkedAccounts(runtime, p.id);
  return {
    id: p.id,
    name: p.name,
    state: p.status,
    paused: p.pausedAt !== null,
    pausedAt: p.pausedAt,
    localDate,
    lastPollAt: day?.updatedAt ?? null,
    checkIns: day ? { done: day.completedCount, planned: day.plannedCount } : null,
    tracker: day
      ? { steps: day.confirmedSteps, label: day.nothingShown ? null : day.confirmedLabel, pending: dayNeedsWrite({ ...day, pending: day.writeState === "pending" }), nothingShown: day.nothingShown }
      : null,
    tokens: { weconnect: weconnectHealth(accounts, now), tracker: trackerHealth(accounts.trackers) },
    tokenProblem: accounts.tokenProblem,
    lastError: lastError ? { at: lastError.at, code: lastError.code, message: lastError.message } : null,
  };
}
