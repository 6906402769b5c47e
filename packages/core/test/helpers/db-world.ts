import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParticipant, saveTrackerAccount, saveWeconnectAccount, setActivityWeight } from "@powertoken/db";
import { startFitbitLegacySimulator, startGoogleHealthSimulator, type FitbitLegacySimulator, type GoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator, type WeconnectSimulator } from "@powertoken/weconnect/simulator";
import pg from "pg";
import { ConfigSchema, createRuntime, runMaintenance, type CoreHooks, type MappingName, type PowerTokenRuntime } from "../../src/index.js";

export type Dialect = "sqlite" | "postgres";
export const DIALECTS: Dialect[] = ["sqlite", "postgres"];
export const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";

export interface DbPersonSpec {
  name: string;
  timeZone: string;
  mapping: MappingName;
  backend: "google-health" | "fitbit-legacy";
  goalSteps?: number;
  stepsPerUnit?: number;
  activities: { key: string; dateStart: string; duration?: number; repeat?: string; repeatEnd?: string | null; weight?: number }[];
}

export interface DbPerson {
  id: number;
  personId: number;
  trackerUser: string;
  activityIds: Record<string, number>;
  spec: DbPersonSpec;
}

/** A participant on `plan` in Chicago with one daily 09:00 meeting: the plain case of a study. */
export const chicagoMeetingSpec = (name: string): DbPersonSpec => ({
  name,
  timeZone: "America/Chicago",
  mapping: "plan",
  backend: "google-health",
  activities: [{ key: "meeting", dateStart: "2026-11-01T15:00:00Z" }],
});

export interface DbWorld {
  clock: { now: Date; set(iso: string): void; advanceMinutes(m: number): void };
  weconnectSim: WeconnectSimulator;
  googleSim: GoogleHealthSimulator;
  legacySim: FitbitLegacySimulator;
  runtime: PowerTokenRuntime;
  people: Map<string, DbPerson>;
  /** What the participant's tracker shows for a date: PowerToken's entry and their own ones. */
  view(name: string, date: string): { steps: number | null; own: unknown[]; entries: number };
  close(): Promise<void>;
}

/**
 * Simulators + a real database (a temp SQLite file, or a fresh PostgreSQL schema) + a runtime
 * built by `createRuntime` from a config that points at the simulators.
 */
export async function startDbWorld(dialect: Dialect, specs: DbPersonSpec[], startIso: string, options: { hooks?: CoreHooks; schema?: string } = {}): Promise<DbWorld> {
  const clock = {
    now: new Date(startIso),
    set(iso: string) {
      this.now = new Date(iso);
    },
    advanceMinutes(m: number) {
      this.now = new Date(this.now.getTime() + m * 60_000);
    },
  };
  const now = () => clock.now;
  const weconnectSim = await startWeconnectSimulator({ now });
  const googleSim = await startGoogleHealthSimulator({ now, users: specs.filter((s) => s.backend === "google-health").map((s) => ({ userId: s.name, timeZone: s.timeZone })) });
  const legacySim = await startFitbitLegacySimulator({ now, users: specs.filter((s) => s.backend === "fitbit-legacy").map((s) => ({ userId: s.name, timeZone: s.timeZone })) });

  let dir: string | undefined;
  let url: string;
  let schema: string | undefined;
  if (dialect === "sqlite") {
    dir = mkdtempSync(join(tmpdir(), "powertoken-core-"));
    url = join(dir, "pt.sqlite");
  } else {
    url = POSTGRES_URL;
    schema = options.schema ?? `core_${randomBytes(6).toString("hex")}`;
  }
  const config = ConfigSchema.parse({
    database: { url, poolSize: 4 },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: weconnectSim.url, timeoutMs: 1_000 },
    googleHealth: { apiUrl: googleSim.url, authorizationUrl: `${googleSim.oauthUrl}/authorize`, tokenUrl: `${googleSim.oauthUrl}/token`, revocationUrl: `${googleSim.oauthUrl}/revoke`, clientId: "sim-client", clientSecret: "sim-secret" },
    fitbitLegacy: { apiUrl: legacySim.url, authorizationUrl: `${legacySim.oauthUrl}/authorize`, tokenUrl: `${legacySim.oauthUrl}/token`, revocationUrl: `${legacySim.oauthUrl}/revoke`, clientId: "sim-client", clientSecret: "sim-secret" },
  });
  const runtime = await createRuntime(config, { now, schema, hooks: options.hooks });
  const { db, keys } = runtime.db;

  const people = new Map<string, DbPerson>();
  for (const spec of specs) {
    const person = weconnectSim.state.addPerson({ email: `${spec.name}@example.org`, password: "pw", timeZone: spec.timeZone });
    const activityIds: Record<string, number> = {};
    for (const a of spec.activities) {
      activityIds[a.key] = weconnectSim.state.addActivity(person.id, {
        name: a.key,
        dateStart: new Date(a.dateStart),
        duration: a.duration ?? 60,
        repeat: a.repeat ?? "daily",
        repeatEnd: a.repeatEnd ? new Date(a.repeatEnd) : null,
      }).activityId;
    }
    const participant = await createParticipant(db, {
      name: spec.name,
      timeZone: spec.timeZone,
      enrollmentStart: startIso.slice(0, 10),
      status: "active",
      mapping: spec.mapping,
      goalSteps: spec.goalSteps ?? 10_000,
      stepsPerUnit: spec.stepsPerUnit ?? (spec.mapping === "charge" ? 10_000 : 25_000),
      now: clock.now,
    });
    await saveWeconnectAccount(db, keys, { participantId: participant.id, personId: String(person.id), accessToken: weconnectSim.state.issueToken(person.id), tokenExpiresAt: null, now: clock.now });
    const tokens = spec.backend === "google-health" ? googleSim.state.issueTokens(spec.name) : legacySim.state.issueTokens(spec.name);
    await saveTrackerAccount(db, keys, { participantId: participant.id, backend: spec.backend, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes, now: clock.now });
    people.set(spec.name, { id: participant.id, personId: person.id, trackerUser: spec.name, activityIds, spec });
  }
  // Maintenance pulls the activities in; then the participants choose their weights.
  await runMaintenance(runtime.ctx);
  for (const person of people.values()) {
    for (const a of person.spec.activities) {
      if (a.weight !== undefined) await setActivityWeight(db, { participantId: person.id, weconnectActivityId: String(person.activityIds[a.key]), weight: a.weight });
    }
  }

  return {
    clock,
    weconnectSim,
    googleSim,
    legacySim,
    runtime,
    people,
    view(name, date) {
      const person = people.get(name)!;
      if (person.spec.backend === "google-health") {
        const v = googleSim.state.viewDay(name, date);
        return { steps: v.powertoken?.steps ?? null, own: v.own, entries: v.powertoken ? 1 : 0 };
      }
      const v = legacySim.state.viewDay(name, date);
      return { steps: v.powertoken?.steps ?? null, own: v.own, entries: v.powertokenEntries.length };
    },
    async close() {
      await runtime.close();
      await Promise.all([weconnectSim.close(), googleSim.close(), legacySim.close()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (schema) {
        const client = new pg.Client(POSTGRES_URL);
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    },
  };
}
