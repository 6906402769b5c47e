/** A user of the simulated Google Health account. */
export interface GoogleHealthSimUser {
  /** The `healthUserId` (also the key tests use). */
  userId: string;
  /** IANA zone from Settings. @default "UTC" */
  timeZone?: string;
  legacyUserId?: string;
}

/** What the participant sees for one civil day. */
export interface DayView {
  /** PowerToken's exercise that day (written through the API by our client id), or null. */
  powertoken: { steps: number; label: string; entryId: string } | null;
  /** The participant's own exercises that day (tracker or other apps). */
  own: Array<{ entryId: string; steps: number; label: string }>;
  /** Device steps of the day (+ PowerToken's when `exerciseStepsCount`). */
  totalSteps: number;
}

/** A stored data point, as the simulator answers it. */
export type StoredPoint = {
  id: string;
  civilDate: string;
  startMs: number;
  writtenBy: string | null; // OAuth client id for API writes, null for the user's own data
  /** When the API last wrote it (for `readLagMs`); 0 for the user's own data. */
  writtenAtMs: number;
  body: Record<string, unknown> & { exercise: { displayName: string; metricsSummary: { steps?: string }; [key: string]: unknown } };
};

interface UserRecord {
  user: Required<Omit<GoogleHealthSimUser, "legacyUserId">> & { legacyUserId: string | null };
  points: Map<string, StoredPoint>;
  deviceSteps: Map<string, number>;
  window: { minute: number; count: number };
}

/** Options of the Google Health simulator state. */
export interface GoogleHealthStateOptions {
  users?: GoogleHealthSimUser[];
  now?: () => Date;
  /**
   * How a duplicate create answers: HTTP 409 ALREADY_EXISTS, or HTTP 200 with an Operation whose
   * `error.code` is 6 (both seen in third-party code, docs/google-health-api.md#client-chosen-ids). @default "409"
   */
  duplicateCreate?: "409" | "operation-error";
  /** Per-user requests per minute before 429 (docs/google-health-api.md#rate-limits). @default 300 */
  perUserPerMinute?: number;
  /**
   * UNDOCUMENTED (docs/google-health-api.md#do-written-steps-count) whether API-written exercise steps count toward daily steps; the
   * simulator's default is that they do not.
   */
  exerciseStepsCount?: boolean;
  /** Create/patch answer `done: false` (the write still happens), as the Operation allows. @default false */
  notDone?: boolean;
  /** The server ignores the requested id and assigns its own (numeric) one. @default false */
  assignIds?: boolean;
  /** A GET of a point written less than this long ago answers 404 (read-after-write lag). @default 0 */
  readLagMs?: number;
  /** `Retry-After` seconds sent with the per-user 429; null sends none. @default null */
  rateLimitRetryAfterSeconds?: number | null;
}

/** The Google Health simulator state. */
export type GoogleHealthState = ReturnType<typeof createGoogleHealthState>;

/** Creates the in-memory Google Health data: users, exercise points, device steps, rate windows. */
export function createGoogleHealthState(options: GoogleHealthStateOptions = {}) {
  const users = new Map<string, UserRecord>();
  const now = () => (options.now ?? (() => new Date()))().getTime();
  let ownCounter = 7_000_000_000_000_000_000n; // Fitbit-recorded exercises use long integer ids (docs/google-health-api.md#exercise-data-point)
  const settings = {
    duplicateCreate: options.duplicateCreate ?? "409",
    perUserPerMinute: options.perUserPerMinute ?? 300,
    exerciseStepsCount: options.exerciseStepsCount ?? false,
    notDone: options.notDone ?? false,
    assignIds: options.assignIds ?? false,
    readLagMs: options.readLagMs ?? 0,
    rateLimitRetryAfterSeconds: options.rateLimitRetryAfterSeconds ?? null,
  };

  const get = (userId: string) => {
    const record = users.get(userId);
    if (!record) throw new Error(`simulator: unknown user ${userId}`);
    return record;
  };

  const state = {
    settings,
    now,
    addUser(user: GoogleHealthSimUser): void {
      users.set(user.userId, {
        user: { userId: user.userId, timeZone: user.timeZone ?? "UTC", legacyUserId: user.legacyUserId ?? null },
        points: new Map(),
        deviceSteps: new Map(),
        window: { minute: -1, count: 0 },
      });
    },
    hasUser: (userId: string) => users.has(userId),
    user: (userId: string) => get(userId).user,
    setTimeZone(userId: string, timeZone: string): void {
      get(userId).user.timeZone = timeZone;
    },
    points: (userId: string) => get(userId).points,
    /** The participant's own tracker steps for a day (never touched by PowerToken). */
    setDeviceSteps(userId: string, date: string, steps: number): void {
      get(userId).deviceSteps.set(date, steps);
    },
    /** Adds an exercise the participant recorded themselves (tracker/app); returns its id. */
    addOwnExercise(userId: string, input: { date: string; steps: number; label?: string; startHour?: number }): string {
      ownCounter += 1n;
      const id = ownCounter.toString();
      const start = Date.parse(`${input.date}T${String(input.startHour ?? 10).padStart(2, "0")}:00:00Z`);
      get(userId).points.set(id, {
        id,
        civilDate: input.date,
        startMs: start,
        writtenBy: null,
        writtenAtMs: 0,
        body: {
          name: `users/${userId}/dataTypes/exercise/dataPoints/${id}`,
          dataSource: { recordingMethod: "ACTIVELY_MEASURED", platform: "FITBIT" },
          exercise: {
            interval: { startTime: new Date(start).toISOString(), startUtcOffset: "0s", endTime: new Date(start + 1_800_000).toISOString(), endUtcOffset: "0s" },
            exerciseType: "WALKING",
            displayName: input.label ?? "Walk",
            metricsSummary: { steps: String(input.steps) },
          },
        },
      });
      return id;
    },
    /** What the participant sees for `date`. */
    viewDay(userId: string, date: string): DayView {
      const record = get(userId);
      let powertoken: DayView["powertoken"] = null;
      const own: DayView["own"] = [];
      let written = 0;
      for (const point of record.points.values()) {
        if (point.civilDate !== date) continue;
        const item = { entryId: point.id, steps: Number(point.body.exercise.metricsSummary.steps ?? 0), label: point.body.exercise.displayName };
        if (point.writtenBy === null) own.push(item);
        else {
          written += item.steps;
          if (!item.entryId.includes("-probe-")) powertoken = item;
        }
      }
      const device = record.deviceSteps.get(date) ?? 0;
      return { powertoken, own, totalSteps: device + (settings.exerciseStepsCount ? written : 0) };
    },
    /** Counts one request against the user's per-minute quota; false when over it. */
    takeQuota(userId: string): boolean {
      const record = get(userId);
      const minute = Math.floor(now() / 60_000);
      if (record.window.minute !== minute) record.window = { minute, count: 0 };
      record.window.count += 1;
      return record.window.count <= settings.perUserPerMinute;
    },
  };
  for (const user of options.users ?? []) state.addUser(user);
  return state;
}
