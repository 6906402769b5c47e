import { randomInt } from "node:crypto";
import { expandOccurrences } from "../occurrences.js";
import { localDayWindow, type TimeWindow } from "../windows.js";

/** A simulated WEconnect person (docs/weconnect-api.md#simulator-checklist). `timeZone` is simulator-only: it places local-date check-ins. */
export interface SimPerson {
  id: number;
  email: string;
  password: string;
  firstName: string | null;
  lastName: string | null;
  gender: string | null;
  birthday: string | null;
  soberday: string | null;
  phone: string | null;
  timeZone: string;
}

/** A simulated activity, stored as the server stores it (UTC instants, `duration` in minutes). */
export interface SimActivity {
  activityId: number;
  userId: number;
  name: string;
  dateStart: Date;
  duration: number;
  repeat: string;
  repeatEnd: Date | null;
  dateModified: Date;
}

/** A LoopBack access token `{ id, userId, created, ttl }` (docs/weconnect-api.md#authentication, docs/weconnect-api.md#simulator-checklist). */
export interface SimToken {
  id: string;
  userId: number;
  created: Date;
  /** Seconds. */
  ttl: number;
}

/** One generated occurrence (E6 event) with its check-in flag. */
export interface SimEvent {
  eid: string;
  start: Date;
  didCheckin: boolean;
}

/** Input of {@link WeconnectSimState.addPerson}. */
export type NewPerson = Partial<Omit<SimPerson, "email" | "password">> & { email: string; password: string };
/** Input of {@link WeconnectSimState.addActivity}. */
export interface NewActivity {
  activityId?: number;
  name: string;
  dateStart: Date;
  /** Minutes. @default 60 */
  duration?: number;
  /** @default "never" */
  repeat?: string;
  repeatEnd?: Date | null;
}

/**
 * In-memory WEconnect data plus the operations tests and demos call directly. Read the maps
 * freely, but change them through the operations: they also keep the per-person and per-email
 * indexes that let a request cost the same with 10 or 100,000 people.
 */
export interface WeconnectSimState {
  readonly people: Map<number, SimPerson>;
  readonly activities: Map<number, SimActivity>;
  readonly tokens: Map<string, SimToken>;
  /** activityId → eids of checked-in occurrences. */
  readonly checkIns: Map<number, Set<string>>;
  readonly ttlSeconds: number;
  now(): Date;
  /** @throws Error when the email is taken (E3 answers 422) or the id is in use. */
  addPerson(input: NewPerson): SimPerson;
  findPersonByEmail(email: string): SimPerson | undefined;
  /** The person's activities in ascending activityId (docs/weconnect-api.md#list-activities CHOICE); empty for an unknown id. */
  activitiesOf(personId: number): readonly SimActivity[];
  addActivity(personId: number, input: NewActivity): SimActivity;
  /** Change fields and bump `dateModified` to `now()`. */
  editActivity(activityId: number, patch: Partial<Omit<NewActivity, "activityId">>): SimActivity;
  deleteActivity(activityId: number): void;
  /**
   * Check in to one occurrence and return its eid. `at` is an instant (the occurrence whose start
   * is nearest, within 24 h) or a local 'YYYY-MM-DD' in the person's time zone (the first
   * occurrence starting that day). @default at = now()
   * @throws Error when no occurrence matches.
   */
  checkIn(personId: number, activityId: number, at?: Date | string): string;
  /** Undo a check-in (the reference cannot rule it out, docs/weconnect-api.md#open-questions); returns whether one existed. */
  uncheck(personId: number, activityId: number, at?: Date | string): boolean;
  /** Mint a token as a login would, for tests and demos that skip E1. */
  issueToken(personId: number): string;
  /** Make a token (or every token of a person, given a number) expired. */
  expireToken(tokenOrPersonId: string | number): void;
  /** The token if it exists and has not expired at `now()`. */
  authenticate(tokenId: string): SimToken | undefined;
  /** Occurrences of an activity starting in the window, with eids and check-in flags. */
  eventsOf(activity: SimActivity, window: TimeWindow): SimEvent[];
}

/** Options of {@link createWeconnectState}. */
export interface WeconnectStateOptions {
  /** Clock. @default () => new Date() */
  now?: () => Date;
  /** Token lifetime in seconds; docs/weconnect-api.md#authentication CHOICE 90 days. @default 7_776_000 */
  ttlSeconds?: number;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const DAY_MS = 86_400_000;

/** docs/weconnect-api.md#object-shapes CHOICE: eid = "<activityId>-<YYYYMMDD>" of the occurrence's UTC start date. */
export function eidOf(activityId: number, start: Date): string {
  return `${activityId}-${start.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** Create an empty simulator state. */
export function createWeconnectState(options: WeconnectStateOptions = {}): WeconnectSimState {
  const now = options.now ?? (() => new Date());
  const people = new Map<number, SimPerson>();
  const activities = new Map<number, SimActivity>();
  const tokens = new Map<string, SimToken>();
  const checkIns = new Map<number, Set<string>>();
  // Indexes over the maps above, so no request scans every person or activity (issue 17).
  const byEmail = new Map<string, SimPerson>();
  const byPerson = new Map<number, SimActivity[]>();
  let nextPersonId = 1001;
  let nextActivityId = 4001;

  const asOccurrence = (a: SimActivity) => ({ ...a, durationMinutes: a.duration });

  function owned(personId: number, activityId: number): SimActivity {
    const activity = activities.get(activityId);
    if (!activity || activity.userId !== personId) {
      throw new Error(`Person ${personId} has no activity ${activityId}.`);
    }
    return activity;
  }

  function findOccurrence(personId: number, activityId: number, at: Date | string | undefined): string {
    const activity = owned(personId, activityId);
    let starts: Date[];
    if (typeof at === "string") {
      const zone = people.get(personId)?.timeZone ?? "UTC";
      starts = expandOccurrences(asOccurrence(activity), localDayWindow(zone, at)).map((o) => o.start);
    } else {
      const t = (at ?? now()).getTime();
      starts = expandOccurrences(asOccurrence(activity), { from: new Date(t - DAY_MS), to: new Date(t + DAY_MS) })
        .map((o) => o.start)
        .sort((x, y) => Math.abs(x.getTime() - t) - Math.abs(y.getTime() - t));
    }
    const start = starts[0];
    if (!start) {
      const when = typeof at === "string" ? at : (at ?? now()).toISOString();
      throw new Error(`Activity ${activityId} has no occurrence near ${when}.`);
    }
    return eidOf(activityId, start);
  }

  const state: WeconnectSimState = {
    people,
    activities,
    tokens,
    checkIns,
    ttlSeconds: options.ttlSeconds ?? 7_776_000,
    now,
    addPerson(input) {
      if (state.findPersonByEmail(input.email)) throw new Error(`Email already exists: ${input.email}`);
      const id = input.id ?? nextPersonId;
      if (people.has(id)) throw new Error(`Person id ${id} is already in use.`);
      nextPersonId = Math.max(nextPersonId, id + 1);
      const person: SimPerson = {
        id,
        email: input.email,
        password: input.password,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        gender: input.gender ?? null,
        birthday: input.birthday ?? null,
        soberday: input.soberday ?? null,
        phone: input.phone ?? null,
        timeZone: input.timeZone ?? "UTC",
      };
      people.set(id, person);
      byEmail.set(person.email, person);
      return person;
    },
    findPersonByEmail(email) {
      return byEmail.get(email);
    },
    activitiesOf(personId) {
      return byPerson.get(personId) ?? [];
    },
    addActivity(personId, input) {
      if (!people.has(personId)) throw new Error(`No person ${personId}.`);
      const activityId = input.activityId ?? nextActivityId;
      if (activities.has(activityId)) throw new Error(`Activity id ${activityId} is already in use.`);
      nextActivityId = Math.max(nextActivityId, activityId + 1);
      const activity: SimActivity = {
        activityId,
        userId: personId,
        name: input.name,
        dateStart: input.dateStart,
        duration: input.duration ?? 60,
        repeat: input.repeat ?? "never",
        repeatEnd: input.repeatEnd ?? null,
        dateModified: now(),
      };
      activities.set(activityId, activity);
      const list = byPerson.get(personId);
      if (!list) byPerson.set(personId, [activity]);
      else {
        list.push(activity);
        // Ids usually arrive in order; sort only when one does not.
        if (list.length > 1 && list[list.length - 2]!.activityId > activityId) {
          list.sort((a, b) => a.activityId - b.activityId);
        }
      }
      return activity;
    },
    editActivity(activityId, patch) {
      const activity = activities.get(activityId);
      if (!activity) throw new Error(`No activity ${activityId}.`);
      // The patch type has no userId or activityId, so the per-person index stays valid.
      Object.assign(activity, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
      activity.dateModified = now();
      return activity;
    },
    deleteActivity(activityId) {
      const activity = activities.get(activityId);
      if (activity) {
        const list = byPerson.get(activity.userId) ?? [];
        const at = list.indexOf(activity);
        if (at >= 0) list.splice(at, 1);
      }
      activities.delete(activityId);
      checkIns.delete(activityId);
    },
    checkIn(personId, activityId, at) {
      const eid = findOccurrence(personId, activityId, at);
      let set = checkIns.get(activityId);
      if (!set) checkIns.set(activityId, (set = new Set()));
      set.add(eid);
      return eid;
    },
    uncheck(personId, activityId, at) {
      return checkIns.get(activityId)?.delete(findOccurrence(personId, activityId, at)) ?? false;
    },
    issueToken(personId) {
      if (!people.has(personId)) throw new Error(`No person ${personId}.`);
      // docs/weconnect-api.md#authentication: 64 characters [A-Za-z0-9], LB3's default uid length; a new independent token each time.
      let id = "";
      for (let i = 0; i < 64; i++) id += ALNUM[randomInt(ALNUM.length)];
      tokens.set(id, { id, userId: personId, created: now(), ttl: state.ttlSeconds });
      return id;
    },
    expireToken(tokenOrPersonId) {
      for (const token of tokens.values()) {
        if (token.id === tokenOrPersonId || token.userId === tokenOrPersonId) {
          token.created = new Date(now().getTime() - (token.ttl + 1) * 1000);
        }
      }
    },
    authenticate(tokenId) {
      const token = tokens.get(tokenId);
      if (!token) return undefined;
      // LB3 treats an expired token like an absent one (401), docs/weconnect-api.md#authentication.
      const expired = token.ttl >= 0 && now().getTime() >= token.created.getTime() + token.ttl * 1000;
      return expired ? undefined : token;
    },
    eventsOf(activity, window) {
      const checked = checkIns.get(activity.activityId);
      return expandOccurrences(asOccurrence(activity), window).map((o) => {
        const eid = eidOf(activity.activityId, o.start);
        return { eid, start: o.start, didCheckin: checked?.has(eid) ?? false };
      });
    },
  };
  return state;
}
