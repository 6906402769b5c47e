import type { Kysely } from "kysely";
import { chunkRows } from "./_values.js";
import type { Database } from "./schema/database.js";
import type { TrackerAccountStatus, TrackerBackend } from "./schema/tracker-accounts.js";

/** A tracker account without its tokens: which backend, in what state. */
export interface TrackerAccountSummary {
  id: number;
  participantId: number;
  backend: TrackerBackend;
  status: TrackerAccountStatus;
}

/** The tracker accounts of many participants (any number of ids, chunked), by participant, each list by account id. No token is read. */
export async function listTrackerAccountSummaries(db: Kysely<Database>, participantIds: readonly number[]): Promise<Map<number, TrackerAccountSummary[]>> {
  const byParticipant = new Map<number, TrackerAccountSummary[]>();
  for (const chunk of chunkRows([...new Set(participantIds)], 1)) {
    const rows = await db.selectFrom("tracker_accounts").select(["id", "participant_id", "backend", "status"]).where("participant_id", "in", chunk).orderBy("id").execute();
    for (const row of rows) {
      const summary = { id: row.id, participantId: row.participant_id, backend: row.backend, status: row.status };
      const mine = byParticipant.get(row.participant_id);
      if (mine) mine.push(summary);
      else byParticipant.set(row.participant_id, [summary]);
    }
  }
  return byParticipant;
}
