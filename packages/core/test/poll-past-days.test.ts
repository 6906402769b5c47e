import { getDay, listAudit, listErrors } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runPoll } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

// A write left pending at 23:50 (a crash after the tracker call, a failed write) used to be
// reached by no poll once the local date moved on: never confirmed nor audited, and the
// participant selected as due in every cycle (issue 15 item 3; the soak's one "audit row lost").
const gus: DbPersonSpec = chicagoMeetingSpec("gus"); // Google Health
const lev: DbPersonSpec = { ...chicagoMeetingSpec("lev"), backend: "fitbit-legacy" };
const YESTERDAY = "2026-11-25";
const TODAY = "2026-11-26";
const LATE = "2026-11-26T05:50:00Z"; // 23:50 in Chicago on the 25th
const AFTER_MIDNIGHT = "2026-11-26T06:20:00Z"; // 00:20 on the 26th

describe.each(DIALECTS)("pending past dates on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  async function okWrites(name: string, date: string): Promise<Array<number | null>> {
    const person = world!.people.get(name)!;
    const rows = await listAudit(world!.runtime.db.db, { participantId: person.id, actions: ["tracker-write"] });
    return rows.filter((a) => a.outcome === "ok" && a.localDate === date).map((a) => a.steps);
  }

  it("settles yesterday's pending writes (read back when shown, written again when not), audits them, and the participants stop being due", async () => {
    let crash = false;
    world = await startDbWorld(dialect, [gus, lev], "2026-11-25T15:30:00Z", {
      hooks: {
        beforeRecordWrite() {
          if (crash) throw new Error("killed after the tracker call");
        },
      },
    });
    const db = world.runtime.db.db;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 2 });

    world.clock.set(LATE);
    for (const name of ["gus", "lev"]) {
      const p = world.people.get(name)!;
      world.weconnectSim.state.checkIn(p.personId, p.activityIds.meeting!, YESTERDAY);
    }
    // gus: the tracker shows the value, the confirmation is lost. lev: the create itself fails (never retried).
    crash = true;
    world.legacySim.failNext({ status: 503, match: /\/activities\.json$/ });
    const late = await runPoll(world.runtime.ctx, { all: true });
    expect(late).toMatchObject({ written: 0, failed: 2 });
    crash = false;
    const gusSteps = world.view("gus", YESTERDAY).steps!;
    expect(gusSteps).toBeGreaterThan(0);
    expect(world.view("lev", YESTERDAY)).toMatchObject({ steps: 0, entries: 1 });
    const levDay = await getDay(db, world.people.get("lev")!.id, YESTERDAY);
    expect(levDay).toMatchObject({ writeState: "pending", confirmedSteps: 0 });
    const levSteps = levDay!.desiredSteps!;
    expect(levSteps).toBeGreaterThan(0);

    world.clock.set(AFTER_MIDNIGHT);
    const first = await runPoll(world.runtime.ctx); // due: yesterday's writes are pending
    expect(first).toMatchObject({ due: 2, written: 2, failed: 0 });
    expect(first.participants.map((p) => p.message).join(" | ")).toMatch(/settled 2026-11-25 \(reconciled\).*settled 2026-11-25 \(written\)|settled 2026-11-25 \(written\).*settled 2026-11-25 \(reconciled\)/);
    for (const [name, steps] of [["gus", gusSteps], ["lev", levSteps]] as const) {
      const person = world.people.get(name)!;
      expect(world.view(name, YESTERDAY)).toMatchObject({ steps, entries: 1 });
      expect(await getDay(db, person.id, YESTERDAY)).toMatchObject({ writeState: "confirmed", confirmedSteps: steps, desiredSteps: steps });
      expect(await okWrites(name, YESTERDAY)).toEqual([steps, 0]);
      expect(await getDay(db, person.id, TODAY)).toMatchObject({ writeState: "confirmed", confirmedSteps: 0 });
    }

    // Settled: nothing pending is left to make them due again.
    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 0 });
  });

  it("a past date the tracker keeps refusing stays pending, and today is written all the same", async () => {
    let crash = false;
    world = await startDbWorld(dialect, [gus], "2026-11-25T15:30:00Z", {
      hooks: {
        beforeRecordWrite() {
          if (crash) throw new Error("killed after the tracker call");
        },
      },
    });
    const db = world.runtime.db.db;
    const id = world.people.get("gus")!.id;
    world.clock.set(LATE);
    world.weconnectSim.state.checkIn(world.people.get("gus")!.personId, world.people.get("gus")!.activityIds.meeting!, YESTERDAY);
    crash = true;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ failed: 1 });
    crash = false;

    // Every call about the 25th fails (its data point id holds the date); the 26th's do not.
    world.googleSim.failNext({ status: 503, match: "20261125", count: 1_000 });
    world.clock.set(AFTER_MIDNIGHT);
    const poll = await runPoll(world.runtime.ctx);
    expect(poll).toMatchObject({ due: 1, failed: 0 });
    expect(poll.participants[0]!.message).toMatch(/settled 2026-11-25 \(failed\)/);
    expect(await getDay(db, id, TODAY)).toMatchObject({ writeState: "confirmed" });
    expect(await getDay(db, id, YESTERDAY)).toMatchObject({ writeState: "pending" });
    const errors = await listErrors(db, { participantId: id });
    expect(errors.some((e) => e.origin === "poll:settle:tracker" && e.message.startsWith("2026-11-25:"))).toBe(true);
  });

  it("a pending date older than the settle window no longer makes its participant due", async () => {
    let crash = false;
    world = await startDbWorld(dialect, [gus], "2026-11-25T15:30:00Z", {
      hooks: {
        beforeRecordWrite() {
          if (crash) throw new Error("killed after the tracker call");
        },
      },
    });
    world.clock.set(LATE);
    crash = true;
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ failed: 1 });
    crash = false;
    // Four days on (the participant was paused meanwhile, say): the 25th is outside the window.
    world.clock.set("2026-11-29T18:00:00Z");
    expect(await runPoll(world.runtime.ctx, { all: true })).toMatchObject({ written: 1, failed: 0 });
    world.clock.advanceMinutes(15);
    expect(await runPoll(world.runtime.ctx)).toMatchObject({ due: 0 });
    expect(await getDay(world.runtime.db.db, world.people.get("gus")!.id, YESTERDAY)).toMatchObject({ writeState: "pending" });
  });
});
