import {
  findTrackerAccountById,
  listOrphanedRefreshes,
  appendAudit,
  changeParticipantStatus,
  claimLeases,
  deleteActivities,
  deleteExpiredActivities,
  getDay,
  listActivities as listStoredActivities,
  listEvents,
  listParticipants,
  listTrackerAccountSummaries,
  loadMaintenanceBatch,
  listMaintenanceParticipants,
  countMaintenanceParticipants,
  listIncompleteProfiles,
  openWeconnectToken,
  loadPollSelection,
  loadPollSelectionPage,
  markDaysPending,
  recordTrackerWrites,
  sumCheckedInWeights,
  listEventsOn,
  touchDay,
  touchDays,
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
  upsertActivities,
  upsertDay,
  upsertEvents,
  type Activity,
  type DatabaseHandle,
  type MaintenanceBatch,
  type MaintenanceParticipant,
  type TrackerAccountExpiry,
  type ProgressMapping,
  type TrackerBackend as StoredBackend,
} from "@powertoken/db";
import type { TrackerBackend } from "@powertoken/fitbit";
import { localDateOf } from "@powertoken/weconnect";
import { createDbTrustData } from "./trust-data.js";
import { emptyMaintenanceInputs, type MaintenanceInputs } from "../maintenance/maintenance-inputs.js";
import { expirationOf } from "../maintenance/sync-activities.js";
import type { MappingName } from "../mapping/mapping-settings.js";
import { dayNeedsWrite, type DayLedger } from "../poll/decide-write.js";
import type { CoreData, DaySnapshot, ParticipantRecord, PollCandidate, StoredActivity, StoredEvent, TrackerWriteRecord } from "./core-data.js";
import { toLedger } from "./day-ledger.js";
import { createGroupCommit, type GroupStart } from "./group-commit.js";

/** True when A and B are the same union (checked at compile time below). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The backends db stores and the ones the tracker package knows must stay the same words.
const _backendsMatch: Same<StoredBackend, TrackerBackend> = true;
// So must the mapping names db stores and the ones core computes.
const _mappingsMatch: Same<ProgressMapping, MappingName> = true;

/** How many days back the poll's selection reads day rows (pending ones are read whatever their date). */
const CANDIDATE_LOOKBACK_DAYS = 3;

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
 * Core's data port over `@powertoken/db`, through its named query functions only (no SQL here).
 * A tracker account key is the `tracker_accounts.id` as text. Tokens are decrypted only for the participants a run processes.
 */
export function createDbCoreData(handle: Pick<DatabaseHandle, "db" | "keys"> & Partial<Pick<DatabaseHandle, "dialect">>): CoreData {
  const { db, keys } = handle;
  type Intent = Parameters<CoreData["recordIntent"]>[0];
  const intentOf = (i: Intent) => ({ participantId: i.participantId, localDate: i.localDate, steps: i.steps, label: i.label, backend: i.backend, now: i.at });
  const oneIntent = (item: Intent) => markDayPending(db, intentOf(item));
  const oneWrite = async (item: TrackerWriteRecord) => (await recordTrackerWrite(db, trackerWriteOf(item))).day;
  // Group commits: on PostgreSQL a commit is a server round trip and a WAL flush, and the next
  // group gathers while one is in flight. An in-process SQLite commit waits for nothing, so there
  // a group gathers the writes of the replies handled in one turn of the event loop, each still
  // its own cached statement, and shares one commit (its WAL write) between them.
  const start: GroupStart = handle.dialect === "sqlite" ? "next-turn" : "at-once";
  const commitIntent = createGroupCommit((items: Intent[]) => markDaysPending(db, items.map(intentOf)), oneIntent, undefined, start);
  const commitWrite = createGroupCommit((items: TrackerWriteRecord[]) => recordTrackerWrites(db, items.map(trackerWriteOf)), oneWrite, undefined, start);
  const oneSnapshot = (snapshot: DaySnapshot) => db.transaction().execute((trx) => saveSnapshotIn(trx, snapshot));
  const allSnapshots = (snapshots: DaySnapshot[]) =>
    db.transaction().execute(async (trx) => {
      const ledgers: DayLedger[] = [];
      for (const snapshot of snapshots) ledgers.push(await saveSnapshotIn(trx, snapshot));
      return ledgers;
    });
  // The poll's snapshots are grouped on SQLite like its intents (on PostgreSQL each keeps its own
  // transaction: several statements, each a round trip, under one commit would gain nothing).
  const commitSnapshot = handle.dialect === "sqlite" ? createGroupCommit(allSnapshots, oneSnapshot, undefined, start) : oneSnapshot;
  type Touch = { participantId: number; localDate: string; now: Date };
  const oneTouch = (item: Touch) => touchDay(db, item);
  // Only SQLite groups touches: PostgreSQL's would be a transaction of separate round trips.
  const commitTouch = handle.dialect === "sqlite" ? createGroupCommit((items: Touch[]) => touchDays(db, items), oneTouch, undefined, start) : oneTouch;

  return {
    ...createDbTrustData(handle),
    async listParticipants(filter) {
      // Paused participants are left out: neither the poll nor maintenance may touch them.
      const participants = await listParticipants(db, { ...(filter?.ids ? { ids: filter.ids } : {}), paused: false });
      if (participants.length === 0) return [];
      const ids = participants.map((p) => p.id);
      const accountsOf = await listTrackerAccountSummaries(db, ids);
      const weconnectAccounts = await loadWeconnectAccounts(db, keys, ids);
      const out: ParticipantRecord[] = [];
      for (const p of participants) {
        const mine = accountsOf.get(p.id) ?? [];
        // Prefer Google Health: the legacy API is switched off (docs/fitbit-web-api.md#shutdown).
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

    async listPollCandidates(now, page) {
      const fromDate = new Date(now.getTime() - CANDIDATE_LOOKBACK_DAYS * 86_400_000).toISOString().slice(0, 10);
      const selection = page ? await loadPollSelectionPage(db, { fromDate, ...page }) : await loadPollSelection(db, { fromDate });
      const byParticipant = new Map<number, PollCandidate & { today: string }>(
        selection.participants.map((p) => [
          p.id,
          { participantId: p.id, timeZone: p.timeZone, today: localDateOf(now, p.timeZone), activities: [], pendingDates: [], lastDayDate: null, openToday: 0, lastPolledAt: null },
        ]),
      );
      for (const a of selection.activities) byParticipant.get(a.participantId)?.activities.push(toStored(a));
      for (const d of selection.days) {
        const c = byParticipant.get(d.participantId);
        if (!c) continue;
        if (dayNeedsWrite(toLedger(d))) c.pendingDates.push(d.localDate);
        if (c.lastDayDate === null || d.localDate > c.lastDayDate) c.lastDayDate = d.localDate;
        if (d.localDate === c.today) {
          c.openToday = Math.max(0, d.plannedCount - d.completedCount);
          c.lastPolledAt = d.updatedAt;
          c.todayCounts = { plannedCount: d.plannedCount, completedCount: d.completedCount, dailyProgress: d.dailyProgress, weeklyProgress: d.weeklyProgress };
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

    async getDayToSettle(participantId, localDate) {
      const day = await getDay(db, participantId, localDate);
      return day ? { ledger: toLedger(day), dailyProgress: day.dailyProgress, weeklyProgress: day.weeklyProgress } : null;
    },

    async dayPoints(participantId, localDate) {
      const events = await listEvents(db, { participantId, localDate });
      return events.filter((e) => e.checkedIn).reduce((sum, e) => sum + e.weight, 0);
    },

    async eventsOn(items) {
      const out = new Map<number, StoredEvent[]>();
      if (items.length === 0) return out;
      for (const [participantId, events] of await listEventsOn(db, items)) {
        out.set(participantId, events.map((e) => ({ eventId: e.occurrenceId, activityId: Number(e.weconnectActivityId), start: e.startsAt, end: e.endsAt, checkedIn: e.checkedIn })));
      }
      return out;
    },

    async touchDay(participantId, localDate, at) {
      const day = await commitTouch({ participantId, localDate, now: at });
      return day ? toLedger(day) : null;
    },

    async dayPointsOf(items) {
      return items.length === 0 ? new Map() : sumCheckedInWeights(db, items);
    },

    async saveDaySnapshot(s) {
      return commitSnapshot(s);
    },

    async recordIntent(input) {
      await commitIntent(input);
    },

    async recordTrackerWrite(r) {
      await commitWrite(r);
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
      return changeParticipantStatus(db, { participantId, status, reason, now: at });
    },

    async removeParticipant(input) {
      await removeParticipant(db, { participantId: input.participantId, reason: input.reason, now: input.at });
    },

    async syncActivities(input) {
      await db.transaction().execute(async (trx) => {
        await upsertActivities(trx, input.participantId, input.upsert.map(toInput), input.at);
        await deleteActivities(trx, input.participantId, input.removeIds.map(String));
      });
    },

    async removeExpiredActivities(now) {
      return deleteExpiredActivities(db, { expiredBefore: new Date(now.getTime() - EXPIRED_RETENTION_MS) });
    },

    async loadMaintenanceInputs(items) {
      return maintenanceInputsOf(await loadMaintenanceBatch(db, items));
    },

    async loadMaintenancePage(query) {
      const rows = await listMaintenanceParticipants(db, { afterId: query.afterId, limit: query.limit, ...(query.ids ? { ids: query.ids } : {}) });
      const lastId = rows.at(-1)?.id ?? null;
      if (query.withInputs === false) return { participants: rows.map((r) => maintenanceRecordOf(keys, r, undefined)), inputs: emptyMaintenanceInputs(), lastId };
      const batch = await loadMaintenanceBatch(db, rows.map((r) => ({ participantId: r.id, localDate: localDateOf(query.now, r.timeZone) })));
      return { participants: rows.map((r) => maintenanceRecordOf(keys, r, batch.trackerAccounts.get(r.id))), inputs: maintenanceInputsOf(batch), lastId };
    },

    async countMaintenanceParticipants(filter) {
      return countMaintenanceParticipants(db, filter?.ids ? { ids: filter.ids } : {});
    },

    async listIncompleteProfiles(query) {
      return listIncompleteProfiles(db, query);
    },

    async claimParticipants(input) {
      return claimLeases(db, { participantIds: input.ids, job: input.job, owner: input.owner, leaseMs: input.leaseMs, now: input.now, ...(input.freeBy === undefined ? {} : { freeBy: input.freeBy }) });
    },

    async listOrphanedRefreshes(now) {
      const out: Array<{ accountId: number; backend: TrackerBackend }> = [];
      for (const orphan of await listOrphanedRefreshes(db, { now })) {
        const account = await findTrackerAccountById(db, orphan.accountId);
        if (account) out.push({ accountId: orphan.accountId, backend: account.backend });
      }
      return out;
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

/** A page's batch in core's shapes; no token is in it. */
function maintenanceInputsOf(batch: MaintenanceBatch): MaintenanceInputs {
  const inputs: MaintenanceInputs = { trackerExpiresAt: new Map(), trackerFlags: new Map(), activities: new Map(), todayEvents: new Map(), withDay: batch.withDay };
  for (const accounts of batch.trackerAccounts.values()) for (const a of accounts) inputs.trackerExpiresAt.set(String(a.id), a.expiresAt);
  for (const accounts of batch.trackerAccounts.values()) for (const a of accounts) if (a.status !== "active") inputs.trackerFlags.set(String(a.id), a.status);
  for (const [participantId, activities] of batch.activities) inputs.activities.set(participantId, activities.map(toStored));
  for (const [participantId, events] of batch.events) {
    inputs.todayEvents.set(
      participantId,
      events.map((e) => ({ eventId: e.occurrenceId, activityId: Number(e.weconnectActivityId), start: e.startsAt, end: e.endsAt, checkedIn: e.checkedIn })),
    );
  }
  return inputs;
}

/**
 * A maintenance participant as a record whose WEconnect token is opened only when read (issue 17:
 * a page never holds plaintext tokens, and a participant whose cell does not decrypt fails alone).
 * The getter is not enumerable, so spreading or logging the record never shows the token.
 */
function maintenanceRecordOf(keys: DatabaseHandle["keys"], row: MaintenanceParticipant, accounts: readonly TrackerAccountExpiry[] | undefined): ParticipantRecord {
  // Prefer Google Health: the legacy API is switched off (docs/fitbit-web-api.md#shutdown).
  const account = accounts?.find((a) => a.backend === "google-health") ?? accounts?.[0];
  const weconnect = { personId: Number(row.weconnect.personId), expiresAt: row.weconnect.tokenExpiresAt } as { personId: number; token: string; expiresAt: Date | null };
  Object.defineProperty(weconnect, "token", { enumerable: false, get: () => openWeconnectToken(keys, row.id, row.weconnect.sealedToken) });
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    status: row.status,
    mapping: row.mapping,
    goalSteps: row.goalSteps,
    stepsPerUnit: row.stepsPerUnit,
    createdAt: row.createdAt,
    weconnect,
    tracker: account ? { accountKey: String(account.id), backend: account.backend } : null,
  };
}

/** A confirmed write as db's recordTrackerWrite takes it. */
function trackerWriteOf(r: TrackerWriteRecord) {
  return {
    participantId: r.participantId,
    localDate: r.localDate,
    backend: r.backend,
    steps: r.steps,
    label: r.label,
    entryId: r.entryId,
    outcome: "ok" as const,
    dailyProgress: r.dailyProgress,
    weeklyProgress: r.weeklyProgress,
    now: r.at,
  };
}


/** One day snapshot inside the caller's transaction (see CoreData.saveDaySnapshot). */
async function saveSnapshotIn(trx: DatabaseHandle["db"], s: DaySnapshot): Promise<DayLedger> {
  if (s.newActivities && s.newActivities.length > 0) {
    const known = new Set((await listStoredActivities(trx, s.participantId)).map((a) => a.weconnectActivityId));
    const fresh = s.newActivities.filter((a) => !known.has(String(a.activityId)));
    await upsertActivities(trx, s.participantId, fresh.map(toInput), s.at);
  }
  // The poll's snapshot (counts and week's progress given) needs no read first: the upsert
  // keeps the stored ledger itself. Maintenance's does, to leave an existing day alone.
  const fast = !s.createOnly && s.weeklyProgress !== undefined;
  const before = fast ? null : await getDay(trx, s.participantId, s.localDate);
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
        keepDesired: fast,
        now: s.at,
      });
  await upsertEvents(
    trx,
    s.participantId,
    s.events.map((e) => ({ occurrenceId: e.eventId, weconnectActivityId: String(e.activityId), localDate: s.localDate, startsAt: e.start, endsAt: e.end, checkedIn: e.checkedIn })),
    s.at,
  );
  return toLedger(day);
}
