import type { ParticipantRecord, StoredActivity, StoredEvent } from "../data/core-data.js";

/** One participant of a maintenance page and their local "today". */
export interface MaintenanceItem {
  participantId: number;
  localDate: string;
}

/**
 * What maintenance reads for a page of participants in a few queries (`CoreData.loadMaintenanceInputs`)
 * rather than per participant. Holds no token.
 */
export interface MaintenanceInputs {
  /** When each tracker account's access token expires, by account key; read without decrypting it. */
  trackerExpiresAt: Map<string, Date>;
  /**
   * Tracker accounts that are not `active`, by account key, with their status (`reauth-required`
   * after a refused refresh, `api-gone`): maintenance never sends their refresh token.
   */
  trackerFlags: Map<string, string>;
  /** Stored activities by participant id. */
  activities: Map<number, StoredActivity[]>;
  /** Events stored for each participant's local today, by participant id. */
  todayEvents: Map<number, StoredEvent[]>;
  /** Participants whose day row for their local today exists. */
  withDay: Set<number>;
}

/** Inputs with nothing in them: a page that is not processed (the run was aborted). */
export function emptyMaintenanceInputs(): MaintenanceInputs {
  return { trackerExpiresAt: new Map(), trackerFlags: new Map(), activities: new Map(), todayEvents: new Map(), withDay: new Set() };
}

/** Which participants `CoreData.loadMaintenancePage` reads: keyset pagination by id. */
export interface MaintenancePageQuery {
  /** Only ids above this one (the previous page's `lastId`; 0 for the first page). */
  afterId: number;
  limit: number;
  /** Only these participants. */
  ids?: readonly number[];
  /** Each participant's local "today" is taken at this instant. */
  now: Date;
  /** `false`: the participants only, without their inputs (an aborted run reports the rest as skipped). @default true */
  withInputs?: boolean;
}

/**
 * A page of the participants maintenance works on (complete, not paused, not ended) with their
 * inputs. A record's WEconnect token is decrypted only when `weconnect.token` is read, and is not
 * an enumerable property, so a page holds no plaintext token and a logged record shows none.
 */
export interface MaintenancePage {
  participants: ParticipantRecord[];
  inputs: MaintenanceInputs;
  /** The id to pass as the next page's `afterId`; null when this page is empty (the walk is over). */
  lastId: number | null;
}

/** A profile without a WEconnect link or without a tracker account (see `CoreData.listIncompleteProfiles`). */
export interface IncompleteProfile {
  id: number;
  name: string;
  /** True when only the tracker account is missing. */
  hasWeconnect: boolean;
}
