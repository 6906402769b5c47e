import { createHttp } from "./_http.js";
import { listActivities, listActivitiesWithEvents } from "./activities.js";
import { getProgress, type Progress } from "./progress.js";
import type { Activity, ActivityWithEvents, Person } from "./schemas.js";
import { getPerson, login, type LoginResult, type Session } from "./session.js";
import type { TimeWindow } from "./windows.js";

/** Retry policy for idempotent GETs (login is never retried). */
export interface RetryOptions {
  /** Total attempts, the first included; 1 disables retries. @default 3 */
  attempts?: number;
  /** First backoff ceiling in ms; doubles per attempt, full jitter. @default 250 */
  baseDelayMs?: number;
  /** Ceiling for one wait, backoff or Retry-After, in ms. @default 5_000 */
  maxDelayMs?: number;
}

/** Which client call an HTTP attempt belongs to, for metrics (one per endpoint, E1–E6). */
export type WeconnectOperation = "login" | "person" | "activities" | "progress" | "activities-with-events";

/** Reported once per HTTP attempt through `onRequest`. */
export interface WeconnectRequestInfo {
  api: "weconnect";
  /** HTTP method of the attempt. */
  method: "GET" | "POST";
  /** The client call, e.g. `activities-with-events`; count by this rather than parse `endpoint`. */
  operation: WeconnectOperation;
  /** Endpoint template, e.g. `GET /People/:id/activities`. */
  endpoint: string;
  /** HTTP status, 0 when no response arrived (network error, timeout). */
  status: number;
  durationMs: number;
  /** 1 for the first attempt. */
  attempt: number;
}

/** Options of {@link createWeconnectClient}. */
export interface WeconnectClientOptions {
  /** API root including `/api`, e.g. `https://palalinq.herokuapp.com/api`; in tests, the simulator's `url`. */
  baseUrl: string;
  /** Transport. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Per HTTP attempt, in milliseconds (AbortSignal.timeout). @default 10_000 */
  timeoutMs?: number;
  /** Retries for GETs on network errors, 5xx and 429. Login is never retried. */
  retry?: RetryOptions;
  /** Called once per HTTP attempt, e.g. to count requests and 429s. Exceptions are ignored. */
  onRequest?: (info: WeconnectRequestInfo) => void;
  /** Backoff waits. Inject in tests. @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
}

/** A WEconnect client: plain functions closed over the options. */
export interface WeconnectClient {
  /** E1: exchange email + password for a session. @throws UNAUTHORIZED, BAD_REQUEST, NETWORK, SERVER, INVALID_RESPONSE */
  login(email: string, password: string): Promise<LoginResult>;
  /** E2: the person behind the session; also the token check. @throws UNAUTHORIZED and the transport codes */
  getPerson(session: Session): Promise<Person>;
  /** E4: all activities, ended ones included. */
  listActivities(session: Session): Promise<Activity[]>;
  /** E5: completed/total occurrences starting in `window`. */
  getProgress(session: Session, window: TimeWindow): Promise<Progress>;
  /** E6: activities with their occurrences starting in `window`; activities without any are omitted. */
  listActivitiesWithEvents(session: Session, window: TimeWindow): Promise<ActivityWithEvents[]>;
}

/**
 * Create a WEconnect client. No module state: every option lives in the returned object.
 * @throws (from its methods) {@link WeconnectError} with codes NETWORK, UNAUTHORIZED, NOT_FOUND,
 * RATE_LIMITED, SERVER, INVALID_RESPONSE, BAD_REQUEST.
 * @example
 * const client = createWeconnectClient({ baseUrl: "https://palalinq.herokuapp.com/api" });
 * const session = await client.login(email, password);
 * const today = localDayWindow("America/Chicago", new Date());
 * const activities = await client.listActivitiesWithEvents(session, today);
 */
export function createWeconnectClient(options: WeconnectClientOptions): WeconnectClient {
  const http = createHttp(options);
  return {
    login: (email, password) => login(http, email, password),
    getPerson: (session) => getPerson(http, session),
    listActivities: (session) => listActivities(http, session),
    getProgress: (session, window) => getProgress(http, session, window),
    listActivitiesWithEvents: (session, window) => listActivitiesWithEvents(http, session, window),
  };
}
