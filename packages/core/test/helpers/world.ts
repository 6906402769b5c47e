import { createGoogleHealthTracker, createOAuthClient, createTokenManager, googleOAuthProvider } from "@powertoken/fitbit";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { createWeconnectClient } from "@powertoken/weconnect";
import { startWeconnectSimulator, type WeconnectSimulator } from "@powertoken/weconnect/simulator";
import {
  createMemoryCoreData,
  createPowerTokenContext,
  createTrackerTokenStore,
  notifyRequest,
  type CoreHooks,
  type MappingName,
  type MemoryCoreData,
  type MemoryParticipantSeed,
  type PowerTokenContext,
} from "../../src/index.js";

/** A participant of a simulated study. */
export interface PersonSpec {
  id: number;
  name: string;
  timeZone: string;
  mapping: MappingName;
  goalSteps?: number;
  stepsPerUnit?: number;
  activities: { name: string; dateStart: Date; duration?: number; repeat?: string; repeatEnd?: Date | null; weight?: number }[];
}

/** Simulators, data and a context wired over loopback with an injectable clock. */
export interface World {
  clock: { now: Date; set(iso: string): void; advanceMinutes(m: number): void };
  weconnectSim: WeconnectSimulator;
  googleSim: GoogleHealthSimulator;
  data: MemoryCoreData;
  ctx: PowerTokenContext;
  people: Map<number, { personId: number; activityIds: number[]; healthUserId: string }>;
  close(): Promise<void>;
}

export async function startWorld(specs: PersonSpec[], startIso: string, hooks?: CoreHooks): Promise<World> {
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
  const googleSim = await startGoogleHealthSimulator({ now, users: specs.map((s) => ({ userId: `u${s.id}`, timeZone: s.timeZone })) });
  const people: World["people"] = new Map();
  const seeds: MemoryParticipantSeed[] = [];
  for (const spec of specs) {
    const person = weconnectSim.state.addPerson({ email: `${spec.name}@example.org`, password: "pw" });
    const activityIds = spec.activities.map(
      (a) => weconnectSim.state.addActivity(person.id, { name: a.name, dateStart: a.dateStart, duration: a.duration ?? 60, repeat: a.repeat ?? "daily", repeatEnd: a.repeatEnd ?? null }).activityId,
    );
    const token = weconnectSim.state.issueToken(person.id);
    const tokens = googleSim.state.issueTokens(`u${spec.id}`);
    people.set(spec.id, { personId: person.id, activityIds, healthUserId: `u${spec.id}` });
    seeds.push({
      id: spec.id,
      name: spec.name,
      timeZone: spec.timeZone,
      status: "active",
      mapping: spec.mapping,
      goalSteps: spec.goalSteps ?? 10_000,
      stepsPerUnit: spec.stepsPerUnit ?? 25_000,
      createdAt: new Date(startIso),
      weconnect: { personId: person.id, token, expiresAt: null },
      tracker: { backend: "google-health", token: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes } },
    });
  }
  const data = createMemoryCoreData(seeds);
  // Weights the participant chose; activities unknown to the store count with weight 3.
  for (const spec of specs) {
    const ids = people.get(spec.id)!.activityIds;
    const remote = await createWeconnectClient({ baseUrl: weconnectSim.url }).listActivities({ personId: people.get(spec.id)!.personId, token: seeds.find((s) => s.id === spec.id)!.weconnect!.token });
    await data.syncActivities({
      participantId: spec.id,
      upsert: remote.map((a) => ({ ...a, modifiedAt: a.dateModified, weight: spec.activities[ids.indexOf(a.activityId)]?.weight ?? 3 })),
      removeIds: [],
      at: clock.now,
    });
  }
  const store = createTrackerTokenStore(data);
  const ref: { ctx?: PowerTokenContext } = {};
  const oauth = createOAuthClient(
    googleOAuthProvider({ clientId: "sim-client", clientSecret: "sim-secret", redirectUri: "http://127.0.0.1/callback", tokenEndpoint: `${googleSim.oauthUrl}/token`, revocationEndpoint: `${googleSim.oauthUrl}/revoke`, authorizationEndpoint: `${googleSim.oauthUrl}/authorize` }),
    { now, onRequest: (i) => ref.ctx && notifyRequest(ref.ctx, "tracker", i) },
  );
  const tokenManager = createTokenManager({ oauth, store, now });
  const noSleep = async () => {};
  const tracker = createGoogleHealthTracker({ baseUrl: googleSim.url, tokens: tokenManager, sleep: noSleep, onRequest: (i) => ref.ctx && notifyRequest(ref.ctx, "tracker", i) });
  const weconnect = createWeconnectClient({ baseUrl: weconnectSim.url, sleep: noSleep, timeoutMs: 2_000, onRequest: (i) => ref.ctx && notifyRequest(ref.ctx, "weconnect", i) });
  const ctx = createPowerTokenContext({ data, weconnect, trackers: { "google-health": tracker }, tokenManagers: { "google-health": tokenManager }, now, hooks });
  ref.ctx = ctx;
  return {
    clock,
    weconnectSim,
    googleSim,
    data,
    ctx,
    people,
    async close() {
      await weconnectSim.close();
      await googleSim.close();
    },
  };
}
