import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipant, getDay, listAudit, migrateToLatest, openDatabase, parseEncryptionKey, upsertDay, type DatabaseHandle } from "@powertoken/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDbCoreData } from "../src/data/db-core-data.js";

const keys = { current: { id: "gc", key: parseEncryptionKey(Buffer.alloc(32, 5).toString("base64")) } };
const localDate = "2026-11-25";
const at = new Date("2026-11-25T15:00:00.000Z");
const later = new Date("2026-11-25T15:15:00.000Z");

// On SQLite the poll's intents, confirmations and touches of one event-loop turn share a
// transaction; each caller still learns its own outcome, and a failed group falls back one by one.
describe("group commits on SQLite", () => {
  let dir: string;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pt-gc-sqlite-"));
    handle = await openDatabase({ url: join(dir, "gc.db"), keys });
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function participantsWithDays(count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const p = await createParticipant(handle.db, { name: `gc-${i}-${Math.random()}`, timeZone: "UTC", enrollmentStart: localDate });
      await upsertDay(handle.db, { participantId: p.id, localDate, plannedCount: 2, completedCount: 1, dailyProgress: 0.5, weeklyProgress: 0.2, desiredSteps: null, desiredLabel: null, now: at });
      ids.push(p.id);
    }
    return ids;
  }

  it("records concurrent intents and confirmations, each durable when its caller goes on", async () => {
    const data = createDbCoreData(handle);
    const ids = await participantsWithDays(5);
    await Promise.all(
      ids.map(async (participantId, i) => {
        await data.recordIntent({ participantId, localDate, steps: 1000 * (i + 1), label: `${i} of 5`, backend: "google-health", at });
        // The intent is committed before the tracker call would go out.
        expect(await getDay(handle.db, participantId, localDate)).toMatchObject({ writeState: "pending", desiredSteps: 1000 * (i + 1) });
      }),
    );
    await Promise.all(
      ids.map((participantId, i) =>
        data.recordTrackerWrite({ participantId, participantName: `gc-${i}`, localDate, steps: 1000 * (i + 1), label: `${i} of 5`, backend: "google-health", entryId: `e-${i}`, dailyProgress: 0.5, weeklyProgress: 0.2, at }),
      ),
    );
    for (const [i, participantId] of ids.entries()) {
      expect(await getDay(handle.db, participantId, localDate)).toMatchObject({ writeState: "confirmed", confirmedSteps: 1000 * (i + 1), entryId: `e-${i}` });
      expect(await listAudit(handle.db, { participantId })).toHaveLength(1);
    }
  });

  it("fails only the caller whose write is bad; the rest of its group is committed", async () => {
    const data = createDbCoreData(handle);
    const ids = await participantsWithDays(3);
    const intents = await Promise.allSettled([
      data.recordIntent({ participantId: ids[0]!, localDate, steps: 10, label: "a", backend: "google-health", at }),
      data.recordIntent({ participantId: ids[1]!, localDate: "2026-11-24", steps: 20, label: "no such day", backend: "google-health", at }),
      data.recordIntent({ participantId: ids[2]!, localDate, steps: 30, label: "c", backend: "google-health", at }),
    ]);
    expect(intents.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((intents[1] as PromiseRejectedResult).reason).toMatchObject({ code: "NOT_FOUND" });
    expect(await getDay(handle.db, ids[0]!, localDate)).toMatchObject({ writeState: "pending", desiredSteps: 10 });
    expect(await getDay(handle.db, ids[2]!, localDate)).toMatchObject({ writeState: "pending", desiredSteps: 30 });

    const writes = await Promise.allSettled([
      data.recordTrackerWrite({ participantId: ids[0]!, participantName: "a", localDate, steps: 10, label: "a", backend: "google-health", entryId: "a", dailyProgress: 0.5, weeklyProgress: 0.2, at }),
      data.recordTrackerWrite({ participantId: ids[1]!, participantName: "b", localDate: "2026-11-24", steps: 20, label: "b", backend: "google-health", entryId: "b", dailyProgress: 0.5, weeklyProgress: 0.2, at }),
      data.recordTrackerWrite({ participantId: ids[2]!, participantName: "c", localDate, steps: 30, label: "c", backend: "google-health", entryId: "c", dailyProgress: 0.5, weeklyProgress: 0.2, at }),
    ]);
    expect(writes.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await getDay(handle.db, ids[0]!, localDate)).toMatchObject({ writeState: "confirmed", confirmedSteps: 10 });
    expect(await getDay(handle.db, ids[2]!, localDate)).toMatchObject({ writeState: "confirmed", confirmedSteps: 30 });
    expect(await listAudit(handle.db, { participantId: ids[1]! })).toHaveLength(0);
  });

  it("touches concurrent unchanged days together, each caller getting its own ledger (null for a missing day)", async () => {
    const data = createDbCoreData(handle);
    const ids = await participantsWithDays(3);
    const ledgers = await Promise.all([
      data.touchDay(ids[0]!, localDate, later),
      data.touchDay(ids[1]!, "2026-11-20", later),
      data.touchDay(ids[2]!, localDate, later),
    ]);
    expect(ledgers[0]).toMatchObject({ pending: false, confirmedSteps: null });
    expect(ledgers[1]).toBeNull();
    expect(ledgers[2]).toMatchObject({ pending: false });
    expect((await getDay(handle.db, ids[0]!, localDate))?.updatedAt).toEqual(later);
    expect((await getDay(handle.db, ids[2]!, localDate))?.updatedAt).toEqual(later);
    await expect(data.touchDay(ids[0]!, "2026-13-45", later)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("saves concurrent day snapshots together; a bad one fails alone and leaves nothing of itself", async () => {
    const data = createDbCoreData(handle);
    const people = [];
    for (let i = 0; i < 3; i++) people.push(await createParticipant(handle.db, { name: `snap-${i}-${Math.random()}`, timeZone: "UTC", enrollmentStart: localDate }));
    const snapshot = (participantId: number, dailyProgress: number) => ({ participantId, localDate, events: [], plannedCount: 2, completedCount: 1, dailyProgress, weeklyProgress: 0.3, at });
    const saved = await Promise.allSettled([snapshot(people[0]!.id, 0.5), snapshot(people[1]!.id, Number.NaN), snapshot(people[2]!.id, 0.25)].map((s) => data.saveDaySnapshot(s)));
    expect(saved.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((saved[1] as PromiseRejectedResult).reason).toMatchObject({ code: "INVALID_INPUT" });
    expect(await getDay(handle.db, people[0]!.id, localDate)).toMatchObject({ dailyProgress: 0.5, weeklyProgress: 0.3 });
    expect(await getDay(handle.db, people[1]!.id, localDate)).toBeNull();
    expect(await getDay(handle.db, people[2]!.id, localDate)).toMatchObject({ dailyProgress: 0.25 });
  });
});
