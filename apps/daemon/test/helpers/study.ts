import { randomBytes } from "node:crypto";
import {
  createParticipant,
  generateEncryptionKey,
  migrateToLatest,
  openDatabase,
  parseEncryptionKey,
  saveTrackerAccount,
  saveWeconnectAccount,
  upsertActivities,
  type DatabaseHandle,
} from "@powertoken/db";
import { startGoogleHealthSimulator, type GoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator, type WeconnectSimulator } from "@powertoken/weconnect/simulator";

/** A simulated study: both simulators, a migrated database holding `count` active participants. */
export interface Study {
  weconnect: WeconnectSimulator;
  google: GoogleHealthSimulator;
  /** participant id → WEconnect person, its daily activity (today's occurrence at `occurrenceAt`) and Google user. */
  people: Map<number, { personId: number; activityId: number; healthUserId: string; occurrenceAt: Date }>;
  /** Environment for a daemon child process pointed at this study. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Options of {@link startStudy}. */
export interface StudyOptions {
  /** Database URL as the daemon will get it. */
  databaseUrl: string;
  /** PostgreSQL: schema to create and seed (the daemon's URL must select it too). */
  schema?: string;
  count: number;
  /** Google access-token lifetime, short to make refreshes happen during the test. */
  accessTokenTtlSeconds?: number;
}

/** Start the simulators and seed the database with `count` active, tally-mapped participants. */
export async function startStudy(options: StudyOptions): Promise<Study> {
  const weconnect = await startWeconnectSimulator({});
  const users = Array.from({ length: options.count }, (_, i) => ({ userId: `u${i + 1}`, timeZone: "UTC" }));
  const google = await startGoogleHealthSimulator({ users, accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599 });
  const keyText = generateEncryptionKey();
  const keys = { current: { id: "k1", key: parseEncryptionKey(keyText) } };
  const handle: DatabaseHandle = await openDatabase({ url: options.databaseUrl, keys, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  const people: Study["people"] = new Map();
  try {
    await migrateToLatest(handle.db);
    const dayStart = new Date();
    dayStart.setUTCHours(0, 0, 0, 0);
    for (let i = 1; i <= options.count; i++) {
      const person = weconnect.state.addPerson({ email: `p${i}-${randomBytes(3).toString("hex")}@example.org`, password: "pw" });
      const activity = weconnect.state.addActivity(person.id, { name: "Meeting", dateStart: dayStart, duration: 60, repeat: "daily" });
      const participant = await createParticipant(handle.db, { name: `p${i}`, timeZone: "UTC", enrollmentStart: "2026-01-01", status: "active", mapping: "tally", stepsPerUnit: 1000 });
      await saveWeconnectAccount(handle.db, keys, { participantId: participant.id, personId: String(person.id), accessToken: weconnect.state.issueToken(person.id) });
      const tokens = google.state.issueTokens(`u${i}`);
      await saveTrackerAccount(handle.db, keys, { participantId: participant.id, backend: "google-health", externalUserId: `u${i}`, ...tokens });
      await upsertActivities(handle.db, participant.id, [
        { weconnectActivityId: String(activity.activityId), name: "Meeting", startsAt: dayStart, durationMinutes: 60, repeat: "daily", repeatEndsAt: null, modifiedAt: dayStart, expiresAt: null },
      ]);
      people.set(participant.id, { personId: person.id, activityId: activity.activityId, healthUserId: `u${i}`, occurrenceAt: dayStart });
    }
  } finally {
    await handle.close();
  }
  return {
    weconnect,
    google,
    people,
    env: {
      POWERTOKEN_DATABASE_URL: options.databaseUrl,
      POWERTOKEN_ENCRYPTION_KEY: keyText,
      POWERTOKEN_ENCRYPTION_KEY_ID: "k1",
      POWERTOKEN_WECONNECT_URL: weconnect.url,
      POWERTOKEN_GOOGLE_API_URL: google.url,
      POWERTOKEN_GOOGLE_AUTH_URL: `${google.oauthUrl}/authorize`,
      POWERTOKEN_GOOGLE_TOKEN_URL: `${google.oauthUrl}/token`,
      POWERTOKEN_GOOGLE_REVOKE_URL: `${google.oauthUrl}/revoke`,
      POWERTOKEN_GOOGLE_CLIENT_ID: "sim-client",
      POWERTOKEN_GOOGLE_CLIENT_SECRET: "sim-secret",
      POWERTOKEN_DEFAULT_BACKEND: "google-health",
      POWERTOKEN_HTTP_PORT: "0",
    },
    async close() {
      await weconnect.close();
      await google.close();
    },
  };
}
