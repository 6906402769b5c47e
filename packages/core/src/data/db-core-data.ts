import {
  appendAudit,
  claimLeases,
  deleteExpiredActivities,
  getDay,
  listActivities as listStoredActivities,
  listEvents,
  listParticipants,
  loadTrackerToken,
  loadWeconnectAccounts,
  markDayPending,
  recordError,
  recordTrackerWrite,
  releaseLeases,
  removeParticipant,
  renewLeases,
  saveTrackerToken,
  setTrackerAccountStatus,
  setWeconnectAccountStatus,
  updateParticipant,
  upsertActivities,
  upsertDay,
  upsertEvents,
  type Activity,
  type DatabaseHandle,
  type Day,
} from "@powertoken/db";
import { localDateOf } from "@powertoken/weconnect";
import { expirationOf } from "../maintenance/sync-activities.js";
import { dayNeedsWrite, type DayLedger } from "../poll/decide-write.js";
import type { CoreData, ParticipantRecord, PollCandidate, StoredActivity } from "./core-data.js";

/** Keep expired activities this long, so yesterday's events (charge's carry-over) survive. */
const EXPIRED_RETENTION_MS = 3 * 86_400_000;

function toStored(a: Activity): StoredActivity {
  return {
    activityId: Number(a.weconnectActivityId),
    name: a.name,
    dateStart: a.startsAt,
    durationMinutes: a.durationMinutes,
    repeat: a.repeat,
    repeatEnd: a.repeatEndsAt,
    modifiedAt: a.modifiedAt,
    weight: a.weight,
  };
}

function toInput(a: StoredActivity) {
  return {
    weconnectActivityId: String(a.activityId),
    name: a.name,
    startsAt: a.dateStart,
    durationMinutes: a.durationMinutes,
    repeat: a.repeat,
    repeatEndsAt: a.repeatEnd,
    modifiedAt: a.modifiedAt,
    expiresAt: expirationOf(a),
    weight: a.weight,
  };
}

/**
 * Core's data port over `@powertoken/db`: its query functions where they exist, the typed
 * query builder for the bulk reads the poll's selection needs. A tracker account key is the
 * `tracker_accounts.id` as text. Tokens are decrypted only for the participants a run processes.
 */
export function createDbCoreData(handle: Pick<DatabaseHandle, "db" | "keys">): CoreData {
  const { db, keys } = handle;

  return {
    async listParticipants(filter) {
      const participants = await listParticipants(db, filter?.ids ? { ids: filter.ids } : {});
      if (participants.length === 0) return [];
      const ids = participants.map((p) => p.id);
      const accounts = [];
      // Chunked: one bound parameter per id would pass SQLite's 32,766-variable limit near 30k participants.
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        accounts.push(...(await db.selectFrom("tracker_accounts").select(["id", "participant_id", "backend", "status"]).where("participant_id", "in", chunk).orderBy("id").execute()));
      }
      const accountsOf = new Map<number, typeof accounts>();
      for (const a of accounts) {
        const mine = accountsOf.get(a.participant_id);
        if (mine) mine.push(a);
        else accountsOf.set(a.participant_id, [a]);
      }
      const weconnectAccounts = await loadWeconnectAccounts(db, keys, ids);
      const out: ParticipantRecord[] = [];
      for (const p of participants) {
        const mine = accountsOf.get(p.id) ?? [];
        // Prefer Google Health: the legacy API is switched off (fitbit-web-api.md §0).
        const account = mine.find((a) => a.backend === "google-health") ?? mine[0];
        const wc = weconnectAccounts.get(p.id);
        out.push({
          id: p.id,
          name: p.name,
          timeZone: p.timeZone,
          status: p.status,
          mapping: p.mapping,
          goalSteps: p.goalSteps,
          stepsPerUnit: p.stepsPerUnit,
          createdAt: p.createdAt,
          weconnect: wc ? { personId: Number(wc.personId), token: wc.accessToken, expiresAt: wc.tokenExpiresAt } : null,
          tracker: account ? { accountKey: String(account.id), backend: account.backend } : null,
        });
      }
      return out;
    },

    async listPollCandidates(now) {
      const participants = await db.selectFrom("participants").select(["id", "time_zone"]).where("status", "=", "active").orderBy("id").execute();
      const activities = await db
        .selectFrom("activities as a")
        .innerJoin("participants as p", "p.id", "a.participant_id")
        .select(["a.participant_id", "a.weconnect_activity_id", "a.name", "a.starts_at", "a.duration_minutes", "a.repeat", "a.repeat_ends_at", "a.modified_at", "a.weight"])
        .where("p.status", "=", "active")
        .execute();
      const days = await db
        .selectFrom("days")
        .select(["participant_id", "local_date", "write_state", "desired_steps", "desired_label", "confirmed_steps", "confirmed_label", "planned_count", "completed_count", "updated_at"])
        .where((eb) => eb.or([eb("write_state", "=", "pending"), eb("local_date", ">=", new Date(now.getTime() - 3 * 86_400_000).toISOString().slice(0, 10))]))
        .execute();
      const byParticipant = new Map<number, PollCandidate & { today: string }>(
        participants.map((p) => [
          p.id,
          { participantId: p.id, timeZone: p.time_zone, today: localDateOf(now, p.time_zone), activities: [], pendingDates: [], lastDayDate: null, openToday: 0, lastPolledAt: null },
        ]),
      );
      for (const a of activities) {
        byParticipant.get(a.participant_id)?.activities.push({
          activityId: Number(a.weconnect_activity_id),
          name: a.name,
          dateStart: new Date(a.starts_at),
          durationMinutes: a.duration_minutes,
          repeat: a.repeat,
          repeatEnd: a.repeat_ends_at === null ? null : new Date(a.repeat_ends_at),
          modifiedAt: new Date(a.modified_at),
          weight: a.weight,
        });
      }
      for (const d of days) {
        const c = byParticipant.get(d.participant_id);
        if (!c) continue;
        const ledger = { desiredSteps: d.desired_steps, desiredLabel: d.desired_label, confirmedSteps: d.confirmed_steps, confirmedLabel: d.confirmed_label, pending: d.write_state === "pending" };
        if (dayNeedsWrite(ledger)) c.pendingDates.push(d.local_date);
        if (c.lastDayDate === null || d.local_date > c.lastDayDate) c.lastDayDate = d.local_date;
        if (d.local_date === c.today) {
          c.openToday = Math.max(0, d.planned_count - d.completed_count);
          c.lastPolledAt = new Date(d.updated_at);
        }
      }
      return [...byParticipant.values()].map(({ today: _today, ...candidate }) => candidate);
    },

    async listActivities(participantId) {
      return (await listStoredActivities(db, participantId)).map(toStored);
    },

    async getDay(participantId, localDate) {
      const day = await getDay(db, participantId, localDate);
      return day ? toLedger(day) : null;
    },

    async dayPoints(participantId, localDate) {
      const events = await listEvents(db, { participantId, localDate });
      return events.filter((e) => e.checkedIn).reduce((sum, e) => sum + e.weight, 0);
    },

    async saveDaySnapshot(s) {
      return db.transaction().execute(async (trx) => {
        if (s.newActivities && s.newActivities.length > 0) {
          const known = new Set((await listStoredActivities(trx, s.participantId)).map((a) => a.weconnectActivityId));
          const fresh = s.newActivities.filter((a) => !known.has(String(a.activityId)));
          await upsertActivities(trx, s.participantId, fresh.map(toInput), s.at);
        }
        const before = await getDay(trx, s.participantId, s.localDate);
        // Maintenance creates a missing day but leaves the poll's counts and last-polled time alone.
        const day =
          s.createOnly && before
            ? before
            : await upsertDay(trx, {
            participantId: s.participantId,
            localDate: s.localDate,
            plannedCount: s.plannedCount,
            completedCount: s.completedCount,
            dailyProgress: s.dailyProgress,
            weeklyProgress: s.weeklyProgress ?? before?.weeklyProgress ?? 0,
            // upsertDay sets the desired value; keep the ledger's until a write is intended.
            desiredSteps: before?.desiredSteps ?? null,
            desiredLabel: before?.desiredLabel ?? null,
            now: s.at,
          });
        await upsertEvents(
          trx,
          s.participantId,
          s.events.map((e) => ({ occurrenceId: e.eventId, weconnectActivityId: String(e.activityId), localDate: s.localDate, startsAt: e.start, endsAt: e.end, checkedIn: e.checkedIn })),
          s.at,
        );
        return toLedger(day);
      });
    },

    async recordIntent(input) {
      await markDayPending(db, { participantId: input.participantId, localDate: input.localDate, steps: input.steps, label: input.label, backend: input.backend, now: input.at });
    },

    async recordTrackerWrite(r) {
      await recordTrackerWrite(db, {
        participantId: r.participantId,
        localDate: r.localDate,
        backend: r.backend,
        steps: r.steps,
        label: r.label,
        entryId: r.entryId,
        outcome: "ok",
        dailyProgress: r.dailyProgress,
        weeklyProgress: r.weeklyProgress,
        now: r.at,
      });
    },

    async appendAudit(entry) {
      await appendAudit(db, {
        at: entry.at,
        participantId: entry.participantId,
        participantName: entry.participantName,
        action: entry.action,
        outcome: entry.outcome,
        localDate: entry.localDate ?? null,
        steps: entry.steps ?? null,
        backend: entry.backend ?? null,
        entryId: entry.entryId ?? null,
        detail: entry.detail ?? null,
      });
    },

    async recordError(input) {
      await recordError(db, input);
    },

    async setStatus(participantId, status, reason, at) {
      const current = await db.selectFrom("participants").select("status").where("id", "=", participantId).executeTakeFirst();
      if (!current || current.status === status) return false;
      await db.transaction().execute(async (trx) => {
        await updateParticipant(trx, participantId, { status, now: at });
        if (status === "needs-weconnect-signin") await setWeconnectAccountStatus(trx, participantId, "reauth-required", at).catch(() => undefined);
        if (status === "needs-tracker-consent" || status === "needs-google-health") {
          const accounts = await trx.selectFrom("tracker_accounts").select("id").where("participant_id", "=", participantId).execute();
          for (const a of accounts) {
            await setTrackerAccountStatus(trx, { accountId: a.id, status: status === "needs-google-health" ? "api-gone" : "reauth-required", reason, now: at });
          }
        }
      });
      return true;
    },

    async removeParticipant(input) {
      await removeParticipant(db, { participantId: input.participantId, reason: input.reason, now: input.at });
    },

    async syncActivities(input) {
      await db.transaction().execute(async (trx) => {
        await upsertActivities(trx, input.participantId, input.upsert.map(toInput), input.at);
        if (input.removeIds.length > 0) {
          await trx.deleteFrom("activities").where("participant_id", "=", input.participantId).where("weconnect_activity_id", "in", input.removeIds.map(String)).execute();
        }
      });
    },

    async removeExpiredActivities(now) {
      return deleteExpiredActivities(db, { expiredBefore: new Date(now.getTime() - EXPIRED_RETENTION_MS) });
    },

    async claimParticipants(input) {
      return claimLeases(db, { participantIds: input.ids, job: input.job, owner: input.owner, leaseMs: input.leaseMs, now: input.now });
    },

    async renewParticipants(input) {
      return renewLeases(db, { participantIds: input.ids, job: input.job, owner: input.owner, leaseMs: input.leaseMs, now: input.now });
    },

    async releaseParticipants(input) {
      await releaseLeases(db, { participantIds: input.ids, job: input.job, owner: input.owner, nextDueAt: input.until });
    },

    async loadTrackerToken(accountKey) {
      return loadTrackerToken(db, keys, Number(accountKey));
    },

    async saveTrackerToken(accountKey, tokens, expectedVersion) {
      return saveTrackerToken(db, keys, { accountId: Number(accountKey), ...tokens, expectedVersion });
    },

    async markTrackerReauth(accountKey, reason) {
      await setTrackerAccountStatus(db, { accountId: Number(accountKey), status: "reauth-required", reason });
    },
  };
}

/** The write ledger of a day row: what the poll compares its new value with. */
function toLedger(day: Day): DayLedger {
  return {
    desiredSteps: day.desiredSteps,
    desiredLabel: day.desiredLabel,
    confirmedSteps: day.confirmedSteps,
    confirmedLabel: day.confirmedLabel,
    entryId: day.entryId,
    pending: day.writeState === "pending",
  };
}
