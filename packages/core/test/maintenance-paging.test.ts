import { createParticipant, findParticipantById, getDay, saveTrackerAccount, saveWeconnectAccount, setParticipantPaused } from "@powertoken/db";
import { afterEach, describe, expect, it } from "vitest";
import { runMaintenance, type RunProgress } from "../src/index.js";
import { DIALECTS, startDbWorld, type DbPersonSpec, type DbWorld } from "./helpers/db-world.js";

const START = "2026-11-25T12:00:00Z";
const spec = (name: string): DbPersonSpec => ({ name, timeZone: "Europe/Berlin", mapping: "plan", backend: "google-health", activities: [{ key: "walk", dateStart: "2026-11-01T15:00:00Z" }] });

/** Adds `n` complete participants straight to the simulators and the database (startDbWorld's way, without its per-person maintenance run). */
async function addComplete(world: DbWorld, n: number, prefix: string): Promise<number[]> {
  const { db, keys } = world.runtime.db;
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const name = `${prefix}${i}`;
    const person = world.weconnectSim.state.addPerson({ email: `${name}@example.org`, password: "pw", timeZone: "Asia/Tokyo" });
    world.weconnectSim.state.addActivity(person.id, { name: "walk", dateStart: new Date("2026-11-01T01:00:00Z"), duration: 60, repeat: "daily" });
    world.googleSim.state.addUser({ userId: name, timeZone: "Asia/Tokyo" });
    const p = await createParticipant(db, { name, timeZone: "Asia/Tokyo", enrollmentStart: "2026-11-20", status: "active", mapping: "plan", goalSteps: 10_000, now: world.clock.now });
    await saveWeconnectAccount(db, keys, { participantId: p.id, personId: String(person.id), accessToken: world.weconnectSim.state.issueToken(person.id), now: world.clock.now });
    const tokens = world.googleSim.state.issueTokens(name);
    await saveTrackerAccount(db, keys, { participantId: p.id, backend: "google-health", accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes, now: world.clock.now });
    ids.push(p.id);
  }
  return ids;
}

describe("runMaintenance over more than one page", () => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("maintains every complete participant exactly once across pages, and the second run writes nothing", async () => {
    world = await startDbWorld("sqlite", [], START);
    const ids = await addComplete(world, 1_003, "p");
    const { db } = world.runtime.db;
    await setParticipantPaused(db, ids[1_001]!, true, world.clock.now);
    // Pages overlap but share one pool: never more participants reading WEconnect at once than the concurrency.
    const client = world.runtime.ctx.weconnect;
    let reading = 0;
    let mostAtOnce = 0;
    const counted: typeof client = {
      ...client,
      listActivities: async (session) => {
        reading += 1;
        mostAtOnce = Math.max(mostAtOnce, reading);
        try {
          return await client.listActivities(session);
        } finally {
          reading -= 1;
        }
      },
    };
    const seen: RunProgress[] = [];
    const first = await runMaintenance({ ...world.runtime.ctx, weconnect: counted }, { onProgress: (p) => seen.push(p) });
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(world.runtime.ctx.settings.concurrency);
    expect(first).toMatchObject({ failed: 0, eventsUpserted: 1_002 });
    const maintained = first.participants.filter((o) => o.outcome === "updated").map((o) => o.participantId);
    expect(new Set(maintained).size).toBe(1_002);
    expect(maintained).not.toContain(ids[1_001]);
    expect(seen.map((p) => p.done)).toEqual(Array.from({ length: 1_002 }, (_, i) => i + 1));
    expect(seen.every((p) => p.total === 1_002)).toBe(true);
    // The last page's inputs belong to its own participants: the day rows were read back.
    expect(await getDay(db, ids[1_002]!, "2026-11-25")).not.toBeNull();
    expect(await getDay(db, ids[1_001]!, "2026-11-25")).toBeNull();

    world.clock.advanceMinutes(60);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ failed: 0, eventsUpserted: 0, activitiesUpserted: 0, tokensRefreshed: 0 });
  }, 120_000);
});

describe.each(DIALECTS)("maintenance paging on %s", (dialect) => {
  let world: DbWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("fails only the participant whose WEconnect token cell does not decrypt, without quoting any token", async () => {
    world = await startDbWorld(dialect, [spec("ana"), spec("ben")], START);
    const { db } = world.runtime.db;
    const ana = world.people.get("ana")!;
    const ben = world.people.get("ben")!;
    // Ben's sealed token moved onto Ana's row: it is bound to Ben, so it must not open for Ana.
    const bens = await db.selectFrom("weconnect_accounts").select("access_token").where("participant_id", "=", ben.id).executeTakeFirstOrThrow();
    await db.updateTable("weconnect_accounts").set({ access_token: bens.access_token }).where("participant_id", "=", ana.id).execute();
    world.clock.advanceMinutes(60);
    const result = await runMaintenance(world.runtime.ctx);
    expect(result).toMatchObject({ failed: 1, failuresByCode: { DB_DECRYPT_FAILED: 1 } });
    expect(result.participants.find((o) => o.participantId === ben.id)).toMatchObject({ outcome: "updated" });
    expect(JSON.stringify(result)).not.toContain(bens.access_token.split(":")[4]);
  });

  it("removes a paused profile that stayed incomplete past the grace period, and leaves a paused complete one alone", async () => {
    world = await startDbWorld(dialect, [spec("ana")], START);
    const { db, keys } = world.runtime.db;
    const half = await createParticipant(db, { name: "half-way", timeZone: "UTC", enrollmentStart: "2026-11-25", now: world.clock.now });
    await saveWeconnectAccount(db, keys, { participantId: half.id, personId: "999", accessToken: "x".repeat(64), now: world.clock.now });
    await setParticipantPaused(db, half.id, true, world.clock.now);
    await setParticipantPaused(db, world.people.get("ana")!.id, true, world.clock.now);
    expect(await runMaintenance(world.runtime.ctx)).toMatchObject({ removedIncomplete: 0 });
    world.clock.advanceMinutes(25 * 60);
    const result = await runMaintenance(world.runtime.ctx);
    expect(result).toMatchObject({ removedIncomplete: 1, failed: 0 });
    expect(result.participants).toEqual([{ participantId: half.id, name: "half-way", outcome: "removed", code: "INCOMPLETE", message: "no tracker account" }]);
    expect(await findParticipantById(db, half.id)).toBeNull();
    expect(await findParticipantById(db, world.people.get("ana")!.id)).not.toBeNull();
  });

  it("reports every participant as ABORTED when aborted before it starts, and sends no request", async () => {
    world = await startDbWorld(dialect, [spec("ana"), spec("ben")], START);
    const requests: string[] = [];
    const listen = (r: { endpoint: string }) => void requests.push(r.endpoint);
    world.runtime.ctx.requestListeners.add(listen);
    const controller = new AbortController();
    controller.abort();
    const seen: RunProgress[] = [];
    const result = await runMaintenance(world.runtime.ctx, { signal: controller.signal, onProgress: (p) => seen.push(p) });
    world.runtime.ctx.requestListeners.delete(listen);
    expect(result.aborted).toBe(true);
    expect(result.participants.map((o) => o.code)).toEqual(["ABORTED", "ABORTED"]);
    expect(seen.map((p) => [p.done, p.total])).toEqual([[1, 2], [2, 2]]);
    expect(requests).toEqual([]);
  });
});
