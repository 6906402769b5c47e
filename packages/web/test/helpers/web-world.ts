// Simulators + a real database (temp SQLite file or a fresh PostgreSQL schema) + a runtime from
// createRuntime + the web app. `browser` is a tiny cookie jar over `app.request()`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigSchema, createInvite, createRuntime, type LogFields, type Logger, type PowerTokenRuntime } from "@powertoken/core";
import { createParticipant, findParticipantById, saveTrackerAccount, saveWeconnectAccount, type ParticipantStatus } from "@powertoken/db";
import { startFitbitLegacySimulator, startGoogleHealthSimulator, type FitbitLegacySimulator, type GoogleHealthSimulator } from "@powertoken/fitbit/simulator";
import { startWeconnectSimulator, type WeconnectSimulator } from "@powertoken/weconnect/simulator";
import type { Hono } from "hono";
import pg from "pg";
import { createWebApp } from "../../src/index.js";

export type Dialect = "sqlite" | "postgres";
export const DIALECTS: Dialect[] = ["sqlite", "postgres"];
export const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";

/** Every log line, to prove no secret reaches one. */
export interface LogRecorder extends Logger {
  lines: { level: string; message: string; fields?: LogFields }[];
  text(): string;
}

export function recordLogs(): LogRecorder {
  const lines: LogRecorder["lines"] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), text: () => JSON.stringify(lines) };
}

export interface WebWorld {
  clock: { now: Date };
  weconnectSim: WeconnectSimulator;
  googleSim: GoogleHealthSimulator;
  legacySim: FitbitLegacySimulator;
  runtime: PowerTokenRuntime;
  app: Hono;
  logs: LogRecorder;
  publicUrl: string;
  /** A participant who starts at `status`, with a WEconnect person (password "right-horse-battery") and a link. */
  addParticipant(name: string, status?: ParticipantStatus, options?: { linkedLegacy?: boolean; enrollmentStart?: string }): Promise<{ id: number; token: string; inviteId: number; personId: number; email: string }>;
  /** PowerToken's step value on the Google Health simulator for a date (null when none). */
  googleSteps(name: string, date: string): number | null;
  status(id: number): Promise<ParticipantStatus | undefined>;
  close(): Promise<void>;
}

export const PASSWORD = "right-horse-battery";

export async function startWebWorld(dialect: Dialect, options: { publicUrl?: string; startIso?: string } = {}): Promise<WebWorld> {
  const clock = { now: new Date(options.startIso ?? "2026-11-30T15:00:00.000Z") };
  const now = () => clock.now;
  const weconnectSim = await startWeconnectSimulator({ now });
  const googleSim = await startGoogleHealthSimulator({ now });
  const legacySim = await startFitbitLegacySimulator({ now });
  const publicUrl = options.publicUrl ?? "https://study.example.org";
  let dir: string | undefined;
  let schema: string | undefined;
  if (dialect === "sqlite") dir = mkdtempSync(join(tmpdir(), "pt-web-"));
  else schema = `web_${randomBytes(6).toString("hex")}`;
  const config = ConfigSchema.parse({
    database: { url: dir ? join(dir, "pt.sqlite") : POSTGRES_URL, poolSize: 4 },
    encryption: { key: randomBytes(32).toString("base64") },
    weconnect: { baseUrl: weconnectSim.url, timeoutMs: 1_000 },
    googleHealth: { apiUrl: googleSim.url, authorizationUrl: `${googleSim.oauthUrl}/authorize`, tokenUrl: `${googleSim.oauthUrl}/token`, revocationUrl: `${googleSim.oauthUrl}/revoke`, clientId: "sim-client", clientSecret: "sim-secret" },
    fitbitLegacy: { apiUrl: legacySim.url, authorizationUrl: `${legacySim.oauthUrl}/authorize`, tokenUrl: `${legacySim.oauthUrl}/token`, revocationUrl: `${legacySim.oauthUrl}/revoke`, clientId: "sim-client", clientSecret: "sim-secret" },
    web: { publicUrl, studyName: "Recovery Steps Study", contact: "study-team@example.org" },
  });
  const runtime = await createRuntime(config, { now, ...(schema ? { schema } : {}) });
  const logs = recordLogs();
  const app = createWebApp({ runtime, publicUrl, studyName: "Recovery Steps Study", contact: "study-team@example.org", log: logs });

  return {
    clock,
    weconnectSim,
    googleSim,
    legacySim,
    runtime,
    app,
    logs,
    publicUrl,
    async addParticipant(name, status = "needs-weconnect-signin", extra = {}) {
      const email = `${name}@example.org`;
      const person = weconnectSim.state.addPerson({ email, password: PASSWORD, timeZone: "America/Chicago" });
      const meeting = weconnectSim.state.addActivity(person.id, { name: "Morning meeting", dateStart: new Date("2026-11-01T15:00:00Z"), duration: 60, repeat: "daily", repeatEnd: null });
      // Checked in to today's meeting (09:00 in Chicago), not yet to the walk.
      weconnectSim.state.checkIn(person.id, meeting.activityId, "2026-11-30");
      weconnectSim.state.addActivity(person.id, { name: "Evening walk", dateStart: new Date("2026-11-01T23:00:00Z"), duration: 30, repeat: "daily", repeatEnd: null });
      googleSim.state.addUser({ userId: name, timeZone: "America/Chicago" });
      legacySim.state.addUser({ userId: name, timeZone: "America/Chicago" });
      const participant = await createParticipant(runtime.db.db, { name, timeZone: "America/Chicago", enrollmentStart: extra.enrollmentStart ?? "2026-11-30", status, mapping: "plan", goalSteps: 10_000, now: clock.now });
      if (extra.linkedLegacy) {
        // A participant of the 2018 setup: WEconnect linked, legacy Fitbit tokens, moved off by staff.
        const { db, keys } = runtime.db;
        await saveWeconnectAccount(db, keys, { participantId: participant.id, personId: String(person.id), accessToken: weconnectSim.state.issueToken(person.id), tokenExpiresAt: null, now: clock.now });
        const tokens = legacySim.state.issueTokens(name);
        await saveTrackerAccount(db, keys, { participantId: participant.id, backend: "fitbit-legacy", accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes, now: clock.now });
      }
      const invite = await createInvite(runtime, { participantId: participant.id });
      return { id: participant.id, token: invite.token, inviteId: invite.inviteId, personId: person.id, email };
    },
    googleSteps(name, date) {
      return googleSim.state.viewDay(name, date).powertoken?.steps ?? null;
    },
    async status(id) {
      return (await findParticipantById(runtime.db.db, id))?.status;
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

/** One browser: keeps the cookies the app sets and sends them back. */
export function newBrowser(app: Hono, publicUrl: string) {
  const jar = new Map<string, string>();
  const setCookies: string[] = [];
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await app.request(new URL(path, publicUrl).toString(), { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      setCookies.push(line);
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
  return {
    jar,
    setCookies,
    request,
    get: (path: string) => request(path),
    post: (path: string, form: Record<string, string>) =>
      request(path, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded" } }),
  };
}

/** The CSRF token in a page's form. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("no CSRF field on the page");
  return match[1]!;
}
