// The soak of issue 15: participants through a simulated day of polls on a fake clock, hourly
// maintenance, check-ins and un-check-ins arriving through the WEconnect simulator, and seeded
// random faults of every kind on the WEconnect and tracker simulators (API and OAuth). At the end
// faults go off, one last poll runs, and every tracker is compared with the value computed here,
// independently of core, from the simulator's own check-ins and the mapping's rule.
//
// Shared by soak.mjs (core's built dist) and test/soak.test.ts (core's src): the caller passes
// core in, so both run the same day. Prints nothing; returns the figures.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipant, saveTrackerAccount, saveWeconnectAccount } from "@powertoken/db";
import { startFitbitLegacySimulator, startGoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { localDateOf, localDayWindow } from "@powertoken/weconnect";
import { startWeconnectSimulator } from "@powertoken/weconnect/simulator";
import pg from "pg";

const ZONES = ["America/Chicago", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "UTC"];
const DAY_START = Date.parse("2026-11-25T00:00:00Z");
const POLL_MS = 15 * 60_000;
/** The mappings' rules as docs/original-system.md#era-e-metaphors states them, with the defaults of the participants created here. */
const PLAN_SCALE = 10_000;
const TALLY_PER_CHECKIN = 25_000;

/** mulberry32: the soak's own seeded generator (check-in script, who is on which backend). */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What the mapping should show for a person's local date, from the simulator's data alone. */
function expectedSteps(weconnect, person) {
  const window = localDayWindow(person.timeZone, person.date);
  let planned = 0;
  let checked = 0;
  for (const activity of weconnect.state.activitiesOf(person.personId)) {
    for (const event of weconnect.state.eventsOf(activity, window)) {
      planned += 1;
      if (event.didCheckin) checked += 1;
    }
  }
  if (person.mapping === "tally") return checked * TALLY_PER_CHECKIN;
  return planned === 0 ? 0 : Math.floor((checked * PLAN_SCALE) / planned);
}

/** PowerToken's entries on a tracker for one civil date: their steps, and how many there are. */
function trackerView(sims, person, date) {
  if (person.backend === "google-health") {
    const ours = [...sims.google.state.points(person.trackerUser).values()].filter((p) => p.writtenBy !== null && p.civilDate === date && !p.id.includes("-probe-"));
    return { entries: ours.length, steps: sims.google.state.viewDay(person.trackerUser, date).powertoken?.steps ?? null };
  }
  const view = sims.legacy.state.viewDay(person.trackerUser, date);
  return { entries: view.powertokenEntries.length, steps: view.powertoken?.steps ?? null };
}

/** Sums the runs' budget use per API family (peaks: the highest seen). */
function addQuota(into, quota) {
  for (const [family, use] of Object.entries(quota)) {
    const sum = (into[family] ??= { requests: 0, budgetPerMinute: use.budgetPerMinute, peakPerMinute: 0, waitedMs: 0, waits: 0, pauses: 0, refused: 0, postponed: 0 });
    sum.requests += use.requests;
    sum.peakPerMinute = Math.max(sum.peakPerMinute, use.peakPerMinute);
    sum.waitedMs += Math.round(use.waitedMs);
    sum.waits += use.waits;
    sum.pauses += use.pauses;
    sum.refused += use.refused;
    sum.postponed += use.postponed;
  }
}

function countSkips(poll) {
  const out = {};
  for (const o of poll.participants) if (o.outcome === "skipped") out[o.code ?? "?"] = (out[o.code ?? "?"] ?? 0) + 1;
  return out;
}

/**
 * Runs the soak and returns its figures.
 * @param {object} options see soak-engine.d.mts
 */
export async function runSoak(options) {
  const { core } = options;
  const n = options.participants;
  const polls = options.polls;
  const faultRate = options.faultRate;
  const seed = options.seed ?? 1;
  const dialect = options.dialect ?? "sqlite";
  const legacyShare = options.legacyShare ?? 0.2;
  const checkInsPerDay = options.checkInsPerDay ?? 6;
  const clientTimeoutMs = options.clientTimeoutMs ?? 1_000;
  const progress = options.onProgress ?? (() => {});
  const random = seededRandom(seed * 7919);

  let nowMs = DAY_START - POLL_MS;
  let stepStartedMs = performance.now();
  const setNow = (ms) => {
    nowMs = ms;
    stepStartedMs = performance.now();
  };
  const now = () => new Date(nowMs);
  // The request budgets and 429 pauses run on the fake day too (a pause of 60 s must not outlast
  // a 15-minute step): the fake instant plus the real time spent in this step, sleeping for real.
  const quotaClock = {
    now: () => nowMs + Math.round(performance.now() - stepStartedMs),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
  const sims = {
    weconnect: await startWeconnectSimulator({ now }),
    google: await startGoogleHealthSimulator({ now }),
    legacy: await startFitbitLegacySimulator({ now }),
  };
  const faults = (on) => {
    const hangMs = 30_000;
    sims.weconnect.setRandomFaults(on ? { rate: faultRate, seed, hangMs, burstLength: options.burstLength ?? 5, kinds: options.weconnectKinds } : null);
    sims.google.setRandomFaults(on ? { rate: faultRate, seed: seed + 1, hangMs, kinds: options.trackerKinds } : null);
    sims.legacy.setRandomFaults(on ? { rate: faultRate, seed: seed + 2, hangMs, kinds: options.trackerKinds } : null);
  };

  let dir;
  let url;
  let schema;
  if (dialect === "sqlite") {
    dir = mkdtempSync(join(tmpdir(), "powertoken-soak-"));
    url = join(dir, "soak.sqlite");
  } else {
    url = options.databaseUrl ?? "postgres://root@127.0.0.1:5432/test";
    schema = `soak_${randomBytes(5).toString("hex")}`;
  }
  // The transport production uses (createRuntime's default, createNodeHttpFetch) unless told
  // "fetch". Every client's own timeout is 10 s; a shorter one on the transport keeps a soak of
  // timeouts short.
  const transport = options.transport === "fetch" || typeof core.createNodeHttpFetch !== "function" ? null : core.createNodeHttpFetch();
  const send = transport ?? ((input, init) => globalThis.fetch(input, init));
  const fetchWithTimeout = (input, init = {}) => {
    const limit = AbortSignal.timeout(clientTimeoutMs);
    return send(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, limit]) : limit });
  };
  const oauth = (sim) => ({ authorizationUrl: `${sim.oauthUrl}/authorize`, tokenUrl: `${sim.oauthUrl}/token`, revocationUrl: `${sim.oauthUrl}/revoke`, clientId: "sim-client", clientSecret: "sim-secret" });
  const config = core.ConfigSchema.parse({
    database: { url, poolSize: 8 },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: sims.weconnect.url, timeoutMs: clientTimeoutMs },
    googleHealth: { apiUrl: sims.google.url, ...oauth(sims.google) },
    fitbitLegacy: { apiUrl: sims.legacy.url, ...oauth(sims.legacy) },
    poll: { concurrency: options.concurrency ?? 8 },
  });
  const runtime = await core.createRuntime(config, { now, quotaClock, schema, fetch: fetchWithTimeout });
  const { db, keys } = runtime.db;

  const people = [];
  for (let i = 0; i < n; i++) {
    const timeZone = ZONES[i % ZONES.length];
    const backend = random() < legacyShare ? "fitbit-legacy" : "google-health";
    const mapping = i % 2 === 0 ? "plan" : "tally";
    const trackerUser = `soak-${i}`;
    const person = sims.weconnect.state.addPerson({ email: `soak${i}@example.org`, password: "pw", timeZone });
    const activityIds = [];
    for (let k = 0; k < 3; k++) {
      const hour = (i * 5 + k * 7) % 24;
      const minute = (i * 15) % 60;
      activityIds.push(sims.weconnect.state.addActivity(person.id, { name: `a${k}`, dateStart: new Date(Date.UTC(2026, 10, 1, hour, minute)), duration: 45, repeat: "daily" }).activityId);
    }
    if (backend === "google-health") sims.google.state.addUser({ userId: trackerUser, timeZone });
    else sims.legacy.state.addUser({ userId: trackerUser, timeZone });
    const participant = await createParticipant(db, { name: trackerUser, timeZone, enrollmentStart: "2026-11-24", status: "active", mapping, goalSteps: PLAN_SCALE, stepsPerUnit: TALLY_PER_CHECKIN, now: now() });
    await saveWeconnectAccount(db, keys, { participantId: participant.id, personId: String(person.id), accessToken: sims.weconnect.state.issueToken(person.id), tokenExpiresAt: null, now: now() });
    const tokens = backend === "google-health" ? sims.google.state.issueTokens(trackerUser) : sims.legacy.state.issueTokens(trackerUser);
    await saveTrackerAccount(db, keys, { participantId: participant.id, backend, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes, now: now() });
    people.push({ id: participant.id, personId: person.id, timeZone, backend, mapping, trackerUser, activityIds, tokensRevoked: false });
  }
  // The day before: activities pulled in, each participant's first day shown, without faults.
  await core.runMaintenance(runtime.ctx);
  await core.runPoll(runtime.ctx, { all: true });

  // A revoked refresh token (the grant ended on the provider's side) for one account per backend.
  for (const backend of ["google-health", "fitbit-legacy"]) {
    const victim = people.find((p) => p.backend === backend);
    if (!victim) continue;
    victim.tokensRevoked = true;
    if (backend === "google-health") sims.google.state.revokeRefreshTokens(victim.trackerUser);
    else sims.legacy.state.oauth.revokeRefreshTokens(victim.trackerUser);
  }

  const requestsBefore = { weconnect: sims.weconnect.requests.length, google: sims.google.requests.length, legacy: sims.legacy.requests.length };
  const totals = { polls: 0, written: 0, unchanged: 0, failed: 0, skipped: 0, failuresByCode: {}, skippedByCode: {}, maintenanceFailed: 0, maintenanceFailuresByCode: {}, requests: { weconnect: 0, tracker: 0 }, quota: {} };
  const addCodes = (into, from) => {
    for (const [code, count] of Object.entries(from ?? {})) into[code] = (into[code] ?? 0) + count;
  };
  let checkIns = 0;
  let unchecks = 0;
  let lastMaintenance = null;
  const maintenanceOf = () => lastMaintenance;
  const started = performance.now();
  faults(true);
  for (let step = 0; step < polls; step++) {
    setNow(DAY_START + step * POLL_MS);
    // Check-ins and un-check-ins since the last poll, on each participant's own local date.
    for (const person of people) {
      if (random() >= checkInsPerDay / 96) continue;
      const date = localDateOf(now(), person.timeZone);
      const activityId = person.activityIds[Math.floor(random() * person.activityIds.length)];
      const checked = sims.weconnect.state.eventsOf(sims.weconnect.state.activities.get(activityId), localDayWindow(person.timeZone, date)).some((e) => e.didCheckin);
      try {
        if (checked && random() < 0.5) {
          sims.weconnect.state.uncheck(person.personId, activityId, date);
          unchecks += 1;
        } else {
          sims.weconnect.state.checkIn(person.personId, activityId, date);
          checkIns += 1;
        }
      } catch {
        // No occurrence of that activity on this local date: nothing to check in.
      }
    }
    lastMaintenance = null;
    if (step % 4 === 0) {
      const maintenance = await core.runMaintenance(runtime.ctx);
      lastMaintenance = maintenance;
      totals.maintenanceFailed += maintenance.failed;
      addCodes(totals.maintenanceFailuresByCode, maintenance.failuresByCode);
    }
    const poll = await core.runPoll(runtime.ctx);
    totals.polls += 1;
    totals.written += poll.written;
    totals.unchanged += poll.unchanged;
    totals.failed += poll.failed;
    totals.skipped += poll.skipped;
    totals.requests.weconnect += poll.requests.weconnect;
    totals.requests.tracker += poll.requests.tracker;
    addCodes(totals.failuresByCode, poll.failuresByCode);
    for (const outcome of poll.participants) if (outcome.outcome === "skipped") totals.skippedByCode[outcome.code ?? "?"] = (totals.skippedByCode[outcome.code ?? "?"] ?? 0) + 1;
    for (const run of [poll, maintenanceOf(step)]) if (run?.quota) addQuota(totals.quota, run.quota);
    progress({ step: step + 1, polls, due: poll.due, written: poll.written, failed: poll.failed });
  }
  const faultsInjected = { weconnect: { ...sims.weconnect.faultCounts }, googleHealth: { ...sims.google.faultCounts }, fitbitLegacy: { ...sims.legacy.faultCounts } };
  faults(false);
  setNow(DAY_START + polls * POLL_MS);
  // The next hour's maintenance restores participants a 401 burst flagged by mistake (issue 15:
  // restored once their token works again); then the last poll, of everyone.
  const flaggedBeforeRestore = {};
  for (const row of await db.selectFrom("participants").select(["status"]).where("status", "!=", "active").execute()) flaggedBeforeRestore[row.status] = (flaggedBeforeRestore[row.status] ?? 0) + 1;
  const restore = await core.runMaintenance(runtime.ctx);
  const last = await core.runPoll(runtime.ctx, { all: true });
  const soakMs = performance.now() - started;

  // Compare every tracker with the independently computed value for the participant's local today.
  const statuses = new Map();
  for (const row of await db.selectFrom("participants").select(["id", "status"]).execute()) statuses.set(row.id, row.status);
  const wrong = [];
  let right = 0;
  const duplicateDays = [];
  let validTokens = 0;
  for (const person of people) {
    const date = localDateOf(now(), person.timeZone);
    const expected = expectedSteps(sims.weconnect, { ...person, date });
    const view = trackerView(sims, person, date);
    if (view.entries > 1) duplicateDays.push({ participant: person.trackerUser, backend: person.backend, date, entries: view.entries });
    if (person.tokensRevoked) continue;
    validTokens += 1;
    // Google shows a 0-step day as no exercise at all (fitbit's google-health/show-day.ts).
    const shown = view.steps === null && person.backend === "google-health" ? 0 : view.steps;
    if (shown === expected) right += 1;
    else wrong.push({ participant: person.trackerUser, backend: person.backend, status: statuses.get(person.id), date, expected, shown: view.steps });
  }
  // Every date the day touched: duplicates, and each value a tracker shows has its ok audit row.
  const audit = await db.selectFrom("audit_log").select(["participant_id", "local_date", "steps", "outcome"]).where("action", "=", "tracker-write").execute();
  const okRows = new Set(audit.filter((a) => a.outcome === "ok").map((a) => `${a.participant_id}|${a.local_date}|${a.steps}`));
  let shownValues = 0;
  const unaudited = [];
  for (const person of people) {
    for (const date of ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]) {
      const view = trackerView(sims, person, date);
      if (date !== localDateOf(now(), person.timeZone) && view.entries > 1) duplicateDays.push({ participant: person.trackerUser, backend: person.backend, date, entries: view.entries });
      if (view.steps === null) continue;
      shownValues += 1;
      if (!okRows.has(`${person.id}|${date}|${view.steps}`)) unaudited.push({ participant: person.trackerUser, backend: person.backend, date, shown: view.steps });
    }
  }

  // Audit: every confirmed day value has its tracker-write row, and the tracker's confirmed writes equal the ok rows.
  const confirmed = await db.selectFrom("days").select(["participant_id", "local_date", "confirmed_steps"]).where("write_state", "=", "confirmed").where("confirmed_steps", "is not", null).execute();
  const confirmedWithoutAudit = confirmed.filter((d) => !okRows.has(`${d.participant_id}|${d.local_date}|${d.confirmed_steps}`)).length;

  const dayRequests = {
    weconnect: sims.weconnect.requests.length - requestsBefore.weconnect,
    tracker: sims.google.requests.length - requestsBefore.google + (sims.legacy.requests.length - requestsBefore.legacy),
  };
  const flagged = {};
  for (const status of statuses.values()) if (status !== "active") flagged[status] = (flagged[status] ?? 0) + 1;

  await runtime.close();
  transport?.close();
  await Promise.all([sims.weconnect.close(), sims.google.close(), sims.legacy.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (schema) {
    const client = new pg.Client(url);
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }

  return {
    participants: n,
    polls,
    faultRate,
    seed,
    dialect,
    transport: transport ? "createNodeHttpFetch" : "fetch",
    backends: { googleHealth: people.filter((p) => p.backend === "google-health").length, fitbitLegacy: people.filter((p) => p.backend === "fitbit-legacy").length },
    checkIns,
    unchecks,
    faultsInjected,
    tokensRevoked: people.filter((p) => p.tokensRevoked).length,
    withValidTokens: validTokens,
    right,
    rightPercent: validTokens === 0 ? 100 : Number(((100 * right) / validTokens).toFixed(2)),
    wrong,
    duplicates: duplicateDays.reduce((sum, d) => sum + d.entries - 1, 0),
    duplicateDays,
    confirmedDays: confirmed.length,
    shownValues,
    /** Values a tracker shows, or days the database calls confirmed, without an ok tracker-write audit row. */
    auditLost: confirmedWithoutAudit + unaudited.length,
    confirmedWithoutAudit,
    shownWithoutAudit: unaudited.length,
    unaudited,
    auditOkRows: audit.filter((a) => a.outcome === "ok").length,
    flagged,
    flaggedBeforeRestore,
    restored: restore.tokensRestored ?? null,
    totals,
    lastPoll: { due: last.due, written: last.written, unchanged: last.unchanged, skipped: last.skipped, failed: last.failed, failuresByCode: last.failuresByCode, skippedByCode: countSkips(last) },
    requestsPerParticipant: { weconnect: Number((dayRequests.weconnect / n).toFixed(1)), tracker: Number((dayRequests.tracker / n).toFixed(1)) },
    budget: totals.quota,
    soakMs: Math.round(soakMs),
  };
}
