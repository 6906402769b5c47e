import { dayNeedsWrite } from "@powertoken/core";
import type { DatabaseHandle } from "@powertoken/db";

/** Every stored day whose tracker display is still behind, by core's one rule. */
export async function daysNeedingWrite(db: DatabaseHandle["db"]): Promise<Array<{ participantId: number; localDate: string }>> {
  const rows = await db.selectFrom("days").selectAll().execute();
  return rows
    .filter((row) =>
      dayNeedsWrite({
        desiredSteps: row.desired_steps,
        desiredLabel: row.desired_label,
        confirmedSteps: row.confirmed_steps,
        confirmedLabel: row.confirmed_label,
        pending: row.write_state === "pending",
        nothingShown: row.confirmed_steps === 0 && row.entry_id === null,
      }),
    )
    .map((row) => ({ participantId: row.participant_id, localDate: row.local_date }));
}
