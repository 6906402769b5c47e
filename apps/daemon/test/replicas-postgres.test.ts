import { randomBytes } from "node:crypto";
import { openDatabase } from "@powertoken/db";
import { daysNeedingWrite } from "./helpers/days-needing-write.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDaemonProcess, type DaemonProcess } from "./helpers/daemon-process.js";
import { startStudy, type Study } from "./helpers/study.js";

// A fresh schema per test file; the daemons select it through the URL's `options` parameter,
// since the shared config has no schema key.
const BASE_URL = process.env["DATABASE_URL"] ?? "postgres://root@127.0.0.1:5432/test";
const SCHEMA = `daemon_replicas_${randomBytes(4).toString("hex")}`;
const DAEMON_URL = `${BASE_URL}${BASE_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`;
const PARTICIPANTS = 60;
const TICK_MS = 10_000;
// Core leases one batch (2 × concurrency) at a time and renews it halfway, so this only needs to
// outlast a batch; it is long enough to see the survivors wait, short enough to see the takeover.
const LEASE_MS = 20_000;
const CHECKED_IN = 20;

let study: Study;
const replicas: DaemonProcess[] = [];

beforeAll(async () => {
  study = await startStudy({ databaseUrl: BASE_URL, schema: SCHEMA, count: PARTICIPANTS, accessTokenTtlSeconds: 8 });
}, 120_000);
afterAll(async () => {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
  await study?.close();
  const handle = await openDatabase({ url: BASE_URL });
  await handle.db.schema.dropSchema(SCHEMA).ifExists().cascade().execute();
  await handle.close();
});

type Line = Record<string, unknown>;
const isMsg = (prefix: string) => (l: Line) => typeof l["msg"] === "string" && (l["msg"] as string).startsWith(prefix);
// Every replica starts a tick's run within the same cron second.
const tickOf = (iso: unknown) => Math.floor(Date.parse(iso as string) / 1000) * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves once `condition` holds (checked twice a second); throws after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await sleep(500)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
  }
}

function start(): DaemonProcess {
  const replica = startDaemonProcess({
    ...study.env,
    POWERTOKEN_DATABASE_URL: DAEMON_URL,
    POWERTOKEN_POLL_SCHEDULE: `*/${TICK_MS / 1000} * * * * *`,
    POWERTOKEN_MAINTENANCE_SCHEDULE: "*/20 * * * * *",
    POWERTOKEN_POLL_ALL: "true",
    POWERTOKEN_POLL_CONCURRENCY: "16",
    POWERTOKEN_LEASE_MS: String(LEASE_MS),
    POWERTOKEN_DATABASE_POOL_SIZE: "8",
  });
  replicas.push(replica);
  return replica;
}

/** participantId → processing count, per tick, over the given replicas' finished poll runs. */
function processedByTick(from: DaemonProcess[]): Map<number, Map<number, number>> {
  const ticks = new Map<number, Map<number, number>>();
  for (const r of from) {
    for (const l of r.lines) {
      if (l["job"] !== "poll" || !isMsg("poll: participant")(l) || l["outcome"] === "skipped") continue;
      const tick = tickOf(l["runStartedAt"]);
      const counts = ticks.get(tick) ?? new Map<number, number>();
      counts.set(l["participantId"] as number, (counts.get(l["participantId"] as number) ?? 0) + 1);
      ticks.set(tick, counts);
    }
  }
  return ticks;
}

/** Ticks every one of `from` finished a whole poll run for (not cut short by shutdown). */
function ticksRunBy(from: DaemonProcess[]): number[] {
  const sets = from.map((r) => new Set(r.lines.filter((l) => isMsg("poll run finished")(l) && l["aborted"] !== true).map((l) => tickOf(l["runStartedAt"]))));
  return [...sets[0]!].filter((t) => sets.every((s) => s.has(t))).sort((a, b) => a - b);
}

describe("three replicas over one PostgreSQL", () => {
  it("poll each participant exactly once per cycle, never write twice, lose no refresh token, and take over a killed replica's participants after its leases expire", async () => {
    const [a, b, c] = [start(), start(), start()];
    await Promise.all([a, b, c].map((r) => r.waitFor(isMsg("daemon started"), 60_000)));

    // Steady state: several cycles, then check-ins for some participants, written by whichever
    // replica holds them. Waits count cycles all three finished rather than sleep a fixed time: on
    // a loaded machine a run can outlast several ticks (70 s runs on the 10 s schedule were seen),
    // and the ticks it overran are skipped, never queued.
    await until(() => ticksRunBy([a, b, c]).length >= 2, 150_000);
    const ids = [...study.people.keys()].slice(0, CHECKED_IN);
    for (const id of ids) {
      const p = study.people.get(id)!;
      study.weconnect.state.checkIn(p.personId, p.activityId, p.occurrenceAt);
    }
    const checkedInAt = Date.now();
    await until(() => ticksRunBy([a, b, c]).filter((t) => t > checkedInAt).length >= 2, 150_000);

    // Kill a replica in the middle of a poll run while it holds leases (whichever replica claims
    // a cycle's participants is a race, so watch the leases table for this one's id).
    const victim = String(c.lines[0]!["replica"]);
    const watcher = await openDatabase({ url: DAEMON_URL });
    let held: number[] = [];
    let killedAt = 0;
    const heldBy = async () =>
      (await watcher.db.selectFrom("leases").select("participant_id").where("owner", "=", victim).where("job", "=", "poll").execute()).map((r) => r.participant_id);
    try {
      // Freeze the replica (SIGSTOP) while it holds leases, so it cannot release them between our
      // look and the kill; if it had just released its batch, let it go on and try again.
      for (const deadline = Date.now() + 60_000; held.length === 0 && Date.now() < deadline; ) {
        if ((await heldBy()).length === 0) {
          await sleep(20);
          continue;
        }
        c.child.kill("SIGSTOP");
        held = await heldBy();
        if (held.length === 0) c.child.kill("SIGCONT");
      }
      c.child.kill("SIGKILL");
      killedAt = Date.now();
      await c.exited;
    } finally {
      await watcher.close();
    }
    expect(held.length).toBeGreaterThan(0);
    // Past the killed replica's leases, until the survivors have both finished a cycle that began after them.
    await sleep(LEASE_MS);
    await until(() => ticksRunBy([a, b]).some((t) => t >= killedAt + LEASE_MS), 150_000);

    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    expect((await a.exited).code).toBe(0);
    expect((await b.exited).code).toBe(0);

    const all = [a, b, c];
    const byTick = processedByTick(all);
    const everyone = [...study.people.keys()];

    // While all three ran: every participant processed by exactly one replica in each cycle.
    const fullTicks = ticksRunBy(all).filter((t) => t < killedAt - TICK_MS);
    if (process.env["DEBUG_REPLICAS"]) {
      for (const r of all) console.log(r.lines.filter((l) => isMsg("poll run finished")(l) || isMsg("maintenance run finished")(l) || isMsg("poll run overran")(l)).map((l) => `${String(l["msg"]).slice(0, 16)} ${String(l["runStartedAt"] ?? l["time"]).slice(11, 23)} d=${String(l["durationMs"])} p=${String(l["polled"])} s=${String(l["skipped"])} w=${String(l["written"])}`).join("\n") + "\n---");
    }
    expect(fullTicks.length).toBeGreaterThanOrEqual(3);
    for (const tick of fullTicks) {
      const counts = byTick.get(tick)!;
      expect({ tick, missing: everyone.filter((id) => counts.get(id) === undefined).length }).toEqual({ tick, missing: 0 });
      expect({ tick, twice: [...counts.values()].filter((n) => n > 1).length }).toEqual({ tick, twice: 0 });
    }
    // No cycle ever has a participant processed twice, including around the kill.
    for (const [tick, counts] of byTick) expect({ tick, twice: [...counts.values()].filter((n) => n > 1).length }).toEqual({ tick, twice: 0 });

    // Until its leases expire, the survivors leave the killed replica's participants alone...
    const beforeExpiry = ticksRunBy([a, b]).filter((t) => t > killedAt && t + 1000 < killedAt + LEASE_MS - 2000);
    for (const tick of beforeExpiry) {
      const counts = byTick.get(tick) ?? new Map<number, number>();
      expect({ tick, touched: held.filter((id) => counts.has(id)).length }).toEqual({ tick, touched: 0 });
    }
    // ...and after that, they cover all of them.
    const afterExpiry = ticksRunBy([a, b]).filter((t) => t >= killedAt + LEASE_MS);
    expect(afterExpiry.length).toBeGreaterThanOrEqual(1);
    if (process.env["DEBUG_REPLICAS"]) console.log({ killedAt: new Date(killedAt).toISOString(), afterExpiry: afterExpiry.map((t) => new Date(t).toISOString()) });
    for (const tick of afterExpiry) {
      const counts = byTick.get(tick) ?? new Map<number, number>();
      expect({ tick, missing: everyone.filter((id) => counts.get(id) !== 1).length }).toEqual({ tick, missing: 0 });
    }

    // No double write: each value reached the tracker once (first value for everyone, then the check-ins).
    const outcomes = all.flatMap((r) => r.lines.filter((l) => l["job"] === "poll" && isMsg("poll: participant")(l)));
    expect(outcomes.filter((l) => l["outcome"] === "written")).toHaveLength(PARTICIPANTS + CHECKED_IN);
    expect(outcomes.filter((l) => l["outcome"] === "failed")).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    // Google Health shows no entry for a 0-step day (core records it as confirmed "nothing shown").
    for (const [id, p] of study.people) {
      expect(study.google.state.viewDay(p.healthUserId, today).powertoken?.steps).toBe(ids.includes(id) ? 1000 : undefined);
    }

    // Tokens: refreshed many times across processes, never with a stale refresh token.
    expect(study.google.state.stats.grants).toBe(PARTICIPANTS);
    expect(study.google.state.stats.refreshes).toBeGreaterThanOrEqual(PARTICIPANTS);
    expect(study.google.state.stats.rejectedRefreshes).toBe(0);
    const maintenanceFailures = all.flatMap((r) => r.lines.filter((l) => l["job"] === "maintenance" && l["outcome"] === "failed"));
    expect(maintenanceFailures).toEqual([]);

    const handle = await openDatabase({ url: DAEMON_URL });
    try {
      expect(await daysNeedingWrite(handle.db)).toEqual([]);
    } finally {
      await handle.close();
    }
  }, 900_000);
});
