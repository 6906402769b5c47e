import { afterEach, describe, expect, it } from "vitest";
import { runPoll, type RunProgress } from "../src/index.js";
import { chicagoMeetingSpec, DIALECTS, startDbWorld, type DbWorld } from "./helpers/db-world.js";

const START = "2026-11-25T15:30:00Z";
const NAMES = ["p0", "p1", "p2", "p3", "p4", "p5", "p6"];
const CONCURRENCY = 3;
const PAGE_SIZE = 3;
/** How long the slow participant waits for the second page; without the overlap it never comes. */
const WAIT_FOR_NEXT_PAGE_MS = 3_000;

describe.each(DIALECTS)("the poll's pages overlap on one pool on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("starts the next page while the previous page's slowest participant is still running, never more than `concurrency` in flight", async () => {
    world = await startDbWorld(dialect, NAMES.map(chicagoMeetingSpec), START);
    const w = world;
    for (const person of w.people.values()) w.weconnectSim.state.checkIn(person.personId, person.activityIds.meeting!, new Date("2026-11-25T15:20:00Z"));
    const personOf = (name: string) => w.people.get(name)!.personId;
    // Ids follow the names' order, so pages of 3 are [p0 p1 p2] [p3 p4 p5] [p6].
    const slow = personOf("p0");
    const secondPage = new Set(["p3", "p4", "p5"].map(personOf));
    let secondPageStarted = () => {};
    const secondPageStart = new Promise<"second page started">((resolve) => (secondPageStarted = () => resolve("second page started")));

    const client = w.runtime.ctx.weconnect;
    let reading = 0;
    let mostAtOnce = 0;
    let slowSaw: string | undefined;
    const counted: typeof client = {
      ...client,
      listActivitiesWithEvents: async (session, window) => {
        reading += 1;
        mostAtOnce = Math.max(mostAtOnce, reading);
        try {
          if (secondPage.has(session.personId)) secondPageStarted();
          if (session.personId === slow) {
            // p0 holds its slot until a second-page participant starts reading (or gives up).
            const timeout = new Promise<"timed out">((resolve) => setTimeout(() => resolve("timed out"), WAIT_FOR_NEXT_PAGE_MS).unref());
            slowSaw = await Promise.race([secondPageStart, timeout]);
          }
          return await client.listActivitiesWithEvents(session, window);
        } finally {
          reading -= 1;
        }
      },
    };

    const seen: RunProgress[] = [];
    const result = await runPoll({ ...w.runtime.ctx, weconnect: counted }, { all: true, concurrency: CONCURRENCY, pageSize: PAGE_SIZE, onProgress: (p) => seen.push(p) });

    expect(slowSaw).toBe("second page started");
    expect(mostAtOnce).toBe(CONCURRENCY);
    expect(result).toMatchObject({ due: 7, polled: 7, written: 7, failed: 0 });
    expect(new Set(result.participants.map((p) => p.participantId)).size).toBe(7);
    for (const name of NAMES) expect(w.view(name, "2026-11-25").entries).toBe(1);
    // Totals grow a page at a time, never fall below `done`, and end at the whole selection.
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const [i, p] of seen.entries()) {
      expect([3, 6, 7]).toContain(p.total);
      expect(p.total).toBeGreaterThanOrEqual(p.done);
      if (i > 0) expect(p.total).toBeGreaterThanOrEqual(seen[i - 1]!.total);
    }
    expect(seen.at(-1)!.total).toBe(7);
    // That p0 was still running when the second page started is `slowSaw` above; which of them
    // finishes first after that is a race (p0 is released by the start of the other's read).
  });
});
