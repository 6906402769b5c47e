import { getDay, listAudit } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runPoll } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// The soak (packages/core/soak) found legacy days that kept two PowerToken logs for good: the delete after the write
// failed, the day was confirmed anyway, and no later poll looked at it again (issue 15 item 3).
const lea: DbPersonSpec = { ...chicagoMeetingSpec("lea"), backend: "fitbit-legacy" };
const TODAY = "2026-11-25";
const DELETE_LOG = /\/activities\/\d+\.json$/;

describe.each(DIALECTS)("legacy leftovers on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("a day whose stale log could not be deleted stays pending, and the next poll removes the leftover and confirms it", async () => {
    world = await startDbWorld(dialect, [lea], "2026-11-25T15:30:00Z");
    const person = world.people.get("lea")!;
    const db = world.runtime.db.db;
    const okWrites = async () => (await listAudit(db, { participantId: person.id, actions: ["tracker-write"] })).filter((a) => a.outcome === "ok");

    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1 });
    expect(world.view("lea", TODAY)).toMatchObject({ steps: 0, entries: 1 });

    world.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, TODAY);
    world.clock.advanceMinutes(15);
    world.legacySim.failNext({ status: 503, match: DELETE_LOG, count: 3 }); // the delete and its two retries
    const failedDelete = await runPoll(world.runtime.ctx, { all: true });
    expect(failedDelete).toMatchObject({ written: 1, failed: 0 });
    expect(failedDelete.participants[0]?.message).toMatch(/unconfirmed/);
    const shown = world.view("lea", TODAY).steps!;
    expect(shown).toBeGreaterThan(0);
    expect(world.view("lea", TODAY).entries).toBe(2); // the write came first: the old 0 is still there
    // Not confirmed while the tracker counts two logs: no audit row claims the value is shown.
    expect(await getDay(db, person.id, TODAY)).toMatchObject({ writeState: "pending", desiredSteps: shown, confirmedSteps: 0 });
    expect((await okWrites()).map((a) => a.steps)).toEqual([0]);

    world.clock.advanceMinutes(15);
    const next = await runPoll(world.runtime.ctx); // not due by schedule: due because the write is pending
    expect(next).toMatchObject({ due: 1, written: 1, failed: 0 });
    expect(world.view("lea", TODAY)).toMatchObject({ steps: shown, entries: 1 });
    expect(await getDay(db, person.id, TODAY)).toMatchObject({ writeState: "confirmed", confirmedSteps: shown });
    expect((await okWrites()).map((a) => a.steps)).toEqual([shown, 0]);

    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 0, unchanged: 1 });
    expect(world.view("lea", TODAY)).toMatchObject({ steps: shown, entries: 1 });
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 0 });
  });
});
