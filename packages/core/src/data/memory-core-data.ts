import type { StoredToken, TokenSet, TrackerBackend } from "@powertoken/fitbit";
import type { DayLedger } from "../poll/decide-write.js";
import type { AuditEntry, CoreData, ParticipantRecord, ParticipantStatus, StoredActivity, StoredEvent } from "./core-data.js";

/** A participant to seed a {@link createMemoryCoreData} with. */
export interface MemoryParticipantSeed extends Omit<ParticipantRecord, "tracker"> {
  tracker: { backend: TrackerBackend; token: TokenSet } | null;
  activities?: StoredActivity[];
}

interface Day extends DayLedger {
  plannedCount: number;
  completedCount: number;
  dailyProgress: number;
  weeklyProgress: number;
  pending: boolean;
  events: StoredEvent[];
}

/** The in-memory port plus what tests and demos inspect. */
export interface MemoryCoreData extends CoreData {
  readonly audit: AuditEntry[];
  readonly errors: { at: Date; participantId: number | null; origin: string; code: string; message: string }[];
  day(participantId: number, localDate: string): (DayLedger & { pending: boolean; plannedCount: number; completedCount: number }) | null;
  statusOf(participantId: number): ParticipantStatus | undefined;
}

/**
 * Core's data port kept in memory: for the no-accounts demo, examples and quick tests. It
 * follows the same rules as the database one (CAS on token versions, leases, cascade).
 */
export function createMemoryCoreData(seeds: readonly MemoryParticipantSeed[]): MemoryCoreData {
  const participants = new Map<number, ParticipantRecord>();
  const activities = new Map<number, Map<number, StoredActivity>>();
  const tokens = new Map<string, StoredToken>();
  const days = new Map<string, Day>();
  const leases = new Map<string, { owner: string; untilMs: number }>();
  const audit: AuditEntry[] = [];
  const errors: MemoryCoreData["errors"] = [];
  for (const seed of seeds) {
    const accountKey = `${seed.id}:${seed.tracker?.backend ?? "none"}`;
    participants.set(seed.id, { ...seed, tracker: seed.tracker ? { accountKey, backend: seed.tracker.backend } : null });
    activities.set(seed.id, new Map((seed.activities ?? []).map((a) => [a.activityId, a])));
    if (seed.tracker) tokens.set(accountKey, { ...seed.tracker.token, version: 1 });
  }
  const key = (id: number, date: string) => `${id}/${date}`;
  const copy = <T>(value: T): T => structuredClone(value);

  const data: MemoryCoreData = {
    audit,
    errors,
    day: (id, date) => copy(days.get(key(id, date)) ?? null),
    statusOf: (id) => participants.get(id)?.status,
    async listParticipants(filter) {
      return [...participants.values()].filter((p) => !filter?.ids || filter.ids.includes(p.id)).sort((a, b) => a.id - b.id).map(copy);
    },
    async listPollCandidates() {
      return [...participants.values()]
        .filter((p) => p.status === "active")
        .map((p) => {
          const mine = [...days.entries()].filter(([k]) => k.startsWith(`${p.id}/`)).map(([k, d]) => ({ date: k.slice(k.indexOf("/") + 1), d }));
          return {
            participantId: p.id,
            timeZone: p.timeZone,
            activities: [...(activities.get(p.id)?.values() ?? [])].map(copy),
            pendingDates: mine.filter(({ d }) => d.pending).map(({ date }) => date),
            lastDayDate: mine.map(({ date }) => date).sort().at(-1) ?? null,
          };
        });
    },
    async listActivities(id) {
      return [...(activities.get(id)?.values() ?? [])].map(copy);
    },
    async getDay(id, date) {
      const d = days.get(key(id, date));
      return d ? { desiredSteps: d.desiredSteps, confirmedSteps: d.confirmedSteps, confirmedLabel: d.confirmedLabel, entryId: d.entryId, pending: d.pending } : null;
    },
    async dayPoints(id, date) {
      const d = days.get(key(id, date));
      const weights = activities.get(id);
      return (d?.events ?? []).filter((e) => e.checkedIn).reduce((sum, e) => sum + (weights?.get(e.activityId)?.weight ?? 3), 0);
    },
    async saveDaySnapshot(s) {
      const mine = activities.get(s.participantId) ?? new Map<number, StoredActivity>();
      for (const a of s.newActivities ?? []) if (!mine.has(a.activityId)) mine.set(a.activityId, copy(a));
      activities.set(s.participantId, mine);
      const before = days.get(key(s.participantId, s.localDate));
      days.set(key(s.participantId, s.localDate), {
        desiredSteps: before?.desiredSteps ?? null,
        confirmedSteps: before?.confirmedSteps ?? null,
        confirmedLabel: before?.confirmedLabel ?? null,
        entryId: before?.entryId ?? null,
        pending: before?.pending ?? false,
        plannedCount: s.plannedCount,
        completedCount: s.completedCount,
        dailyProgress: s.dailyProgress,
        weeklyProgress: s.weeklyProgress ?? before?.weeklyProgress ?? 0,
        events: copy(s.events),
      });
    },
    async recordIntent(input) {
      const d = days.get(key(input.participantId, input.localDate));
      if (!d) throw new Error("no day row");
      d.desiredSteps = input.steps;
      d.pending = true;
    },
    async recordTrackerWrite(r) {
      const d = days.get(key(r.participantId, r.localDate));
      if (!d) throw new Error("no day row");
      Object.assign(d, { confirmedSteps: r.steps, confirmedLabel: r.label, desiredSteps: r.steps, entryId: r.entryId, pending: false });
      audit.push({ at: r.at, participantId: r.participantId, participantName: r.participantName, action: "tracker-write", outcome: "ok", localDate: r.localDate, steps: r.steps, backend: r.backend, entryId: r.entryId });
    },
    async appendAudit(entry) {
      audit.push(copy(entry));
    },
    async recordError(input) {
      errors.push(copy(input));
    },
    async setStatus(id, status) {
      const p = participants.get(id);
      if (!p || p.status === status) return false;
      p.status = status;
      return true;
    },
    async removeParticipant({ participantId: id, reason, at }) {
      const p = participants.get(id);
      audit.push({ at, participantId: id, participantName: p?.name ?? null, action: "participant-removed", outcome: "ok", detail: reason });
      participants.delete(id);
      activities.delete(id);
      for (const k of [...days.keys()]) if (k.startsWith(`${id}/`)) days.delete(k);
      if (p?.tracker) tokens.delete(p.tracker.accountKey);
    },
    async syncActivities(input) {
      const mine = activities.get(input.participantId) ?? new Map<number, StoredActivity>();
      for (const a of input.upsert) mine.set(a.activityId, { ...copy(a), weight: mine.get(a.activityId)?.weight ?? a.weight });
      for (const id of input.removeIds) mine.delete(id);
      activities.set(input.participantId, mine);
    },
    async removeExpiredActivities() {
      return 0;
    },
    async claimParticipants(input) {
      const nowMs = input.now.getTime();
      return input.ids.filter((id) => {
        const lease = leases.get(`${input.job}/${id}`);
        if (lease && lease.owner !== input.owner && lease.untilMs > nowMs) return false;
        leases.set(`${input.job}/${id}`, { owner: input.owner, untilMs: nowMs + input.leaseMs });
        return true;
      });
    },
    async releaseParticipants(input) {
      for (const id of input.ids) if (leases.get(`${input.job}/${id}`)?.owner === input.owner) leases.delete(`${input.job}/${id}`);
    },
    async loadTrackerToken(accountKey) {
      const t = tokens.get(accountKey);
      return t ? copy(t) : null;
    },
    async saveTrackerToken(accountKey, set, expectedVersion) {
      const t = tokens.get(accountKey);
      if (!t || t.version !== expectedVersion) return null;
      const saved = { ...copy(set), version: expectedVersion + 1 };
      tokens.set(accountKey, saved);
      return copy(saved);
    },
    async markTrackerReauth() {},
  };
  return data;
}
