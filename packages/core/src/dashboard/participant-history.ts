import { listAudit, listErrors, listInvites, pageDayRows, type AuditEntry, type DayExportRow, type ErrorEntry, type Participant } from "@powertoken/db";
import { describeParticipant, type ParticipantDescription } from "../admin/describe-participant.js";
import type { AdminRuntime } from "../admin/admin-runtime.js";
import { describeParticipantDay, localDateIn, type PlannedEvent } from "../invites/participant-day.js";

/** Everything the participant page shows. */
export interface ParticipantHistory {
  participant: Participant;
  /** `enrollmentStart` … `enrollmentEnd` (null while open-ended). */
  enrolment: { start: string; end: string | null };
  mapping: Participant["mapping"];
  goalSteps: number;
  weconnect: ParticipantDescription["weconnect"];
  trackers: ParticipantDescription["trackers"];
  invites: { sent: number; opened: number; completed: number; latest: { createdAt: Date; expiresAt: Date; openedAt: Date | null; completedAt: Date | null; revokedAt: Date | null } | null };
  /** Every enrolled day with a day row, oldest first: planned, checked in, steps wanted and shown, write state. */
  days: DayExportRow[];
  today: { localDate: string; events: PlannedEvent[] };
  recentAudit: AuditEntry[];
  recentErrors: ErrorEntry[];
}

/**
 * A participant's page: enrolment window, mapping, backend, invites sent/opened/completed, every
 * enrolled day, today's events, and recent audit entries and errors.
 * @throws CoreError PARTICIPANT_NOT_FOUND
 */
export async function getParticipantHistory(runtime: Pick<AdminRuntime, "db" | "ctx">, participantId: number, options: { recent?: number } = {}): Promise<ParticipantHistory> {
  const recent = options.recent ?? 20;
  const description = await describeParticipant(runtime, participantId);
  const p = description.participant;
  const db = runtime.db.db;
  const today = localDateIn(p.timeZone, runtime.ctx.now());
  const until = p.enrollmentEnd && p.enrollmentEnd < today ? p.enrollmentEnd : today;
  const days: DayExportRow[] = [];
  for (let after: { participantId: number; localDate: string } | undefined; ; ) {
    const page = await pageDayRows(db, { since: p.enrollmentStart, until, participantId: p.id, limit: 1000, ...(after ? { after } : {}) });
    days.push(...page);
    if (page.length < 1000) break;
    after = { participantId: p.id, localDate: page[page.length - 1]!.localDate };
  }
  const invites = await listInvites(db, p.id);
  const latest = invites[0];
  const day = await describeParticipantDay(runtime, p.id);
  return {
    participant: p,
    enrolment: { start: p.enrollmentStart, end: p.enrollmentEnd },
    mapping: p.mapping,
    goalSteps: p.goalSteps,
    weconnect: description.weconnect,
    trackers: description.trackers,
    invites: {
      sent: invites.length,
      opened: invites.filter((i) => i.openedAt).length,
      completed: invites.filter((i) => i.completedAt).length,
      latest: latest ? { createdAt: latest.createdAt, expiresAt: latest.expiresAt, openedAt: latest.openedAt, completedAt: latest.completedAt, revokedAt: latest.revokedAt } : null,
    },
    days,
    today: { localDate: day.localDate, events: day.events },
    recentAudit: await listAudit(db, { participantId: p.id, limit: recent }),
    recentErrors: await listErrors(db, { participantId: p.id, limit: recent }),
  };
}
