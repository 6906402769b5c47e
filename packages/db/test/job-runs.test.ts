import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { closeAbandonedJobRuns, finishJobRun, lastFinishedJobRun, listJobRuns, migrateTo, migrationNames, startJobRun } from "../src/index.js";
import { DIALECTS, dropTarget, newTarget, openTarget, useMigratedDatabase } from "./_dialects.js";

const T0 = new Date("2026-11-30T10:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const counts = { processed: 3, written: 2, failed: 0, rateLimited: 0, failuresByCode: {} };

describe.each(DIALECTS)("job runs on %s", (dialect) => {
  const db = useMigratedDatabase(dialect, "job_runs");

  it("stores a run cut short by shutdown as aborted with the participants it never started", async () => {
    const id = await startJobRun(db.get().db, { job: "poll", owner: "daemon-a", startedAt: T0 });
    await finishJobRun(db.get().db, id, { finishedAt: at(1), outcome: "partial", ...counts, aborted: true, notStarted: 7 });
    const [run] = await listJobRuns(db.get().db, { job: "poll", limit: 1 });
    expect(run).toMatchObject({ id, outcome: "partial", aborted: true, notStarted: 7, processed: 3 });
    const ordinary = await startJobRun(db.get().db, { job: "poll", owner: "daemon-a", startedAt: at(2) });
    await finishJobRun(db.get().db, ordinary, { finishedAt: at(3), outcome: "ok", ...counts });
    expect(await lastFinishedJobRun(db.get().db, "poll")).toMatchObject({ id: ordinary, outcome: "ok", aborted: false, notStarted: 0 });
  });

  it("closeAbandonedJobRuns marks only the dead replica's open runs failed", async () => {
    const h = db.get().db;
    const deadOpen = await startJobRun(h, { job: "maintenance", owner: "daemon-dead", startedAt: at(10) });
    const deadDone = await startJobRun(h, { job: "maintenance", owner: "daemon-dead", startedAt: at(5) });
    await finishJobRun(h, deadDone, { finishedAt: at(6), outcome: "ok", ...counts });
    const otherOpen = await startJobRun(h, { job: "maintenance", owner: "daemon-alive", startedAt: at(11) });

    expect(await closeAbandonedJobRuns(h, { replica: "daemon-dead", now: at(20) })).toBe(1);
    const runs = new Map((await listJobRuns(h, { job: "maintenance" })).map((r) => [r.id, r]));
    expect(runs.get(deadOpen)).toMatchObject({ outcome: "failed", finishedAt: at(20), error: "The process running it ended before the run finished." });
    expect(runs.get(deadDone)).toMatchObject({ outcome: "ok", finishedAt: at(6), error: null });
    expect(runs.get(otherOpen)).toMatchObject({ outcome: null, finishedAt: null });
    // Nothing left to close; a reason of the caller's own is stored as given.
    expect(await closeAbandonedJobRuns(h, { replica: "daemon-dead", now: at(21), reason: "x" })).toBe(0);
    expect(await closeAbandonedJobRuns(h, { replica: "daemon-alive", now: at(21), reason: "Instance lock taken over from a dead daemon." })).toBe(1);
    expect((await listJobRuns(h, { job: "maintenance" })).find((r) => r.id === otherOpen)?.error).toBe("Instance lock taken over from a dead daemon.");
  });

  it("records an ordinary run on a database not yet migrated to the aborted columns", async () => {
    const target = newTarget(dialect, "job_runs_old");
    const handle = await openTarget(target);
    try {
      const before = migrationNames[migrationNames.indexOf("2026_11_30_090_job_run_aborted") - 1] as string;
      await migrateTo(handle.db, before);
      const id = await startJobRun(handle.db, { job: "poll", owner: null, startedAt: T0 });
      await finishJobRun(handle.db, id, { finishedAt: at(1), outcome: "ok", ...counts, aborted: false });
      const { rows } = await sql<{ outcome: string; finished_at: string }>`select outcome, finished_at from job_runs`.execute(handle.db);
      expect(rows).toEqual([{ outcome: "ok", finished_at: at(1).toISOString() }]);
    } finally {
      await handle.close();
      await dropTarget(target);
    }
  });
});
