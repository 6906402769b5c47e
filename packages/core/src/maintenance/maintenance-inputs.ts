import type { StoredActivity, StoredEvent } from "../data/core-data.js";

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
  /** Stored activities by participant id. */
  activities: Map<number, StoredActivity[]>;
  /** Events stored for each participant's local today, by participant id. */
  todayEvents: Map<number, StoredEvent[]>;
  /** Participants whose day row for their local today exists. */
  withDay: Set<number>;
}

/** Inputs with nothing in them: a page that is not processed (the run was aborted). */
export function emptyMaintenanceInputs(): MaintenanceInputs {
  return { trackerExpiresAt: new Map(), activities: new Map(), todayEvents: new Map(), withDay: new Set() };
}
