import type { ParticipantStatus } from "../data/core-data.js";

/** What {@link participantState} decides from: the participant and the status of each linked account. */
export interface ParticipantStateInput {
  participant: { status: ParticipantStatus };
  /** The WEconnect link, or null when none. */
  weconnect: { status: string } | null;
  trackers: readonly { backend: "google-health" | "fitbit-legacy"; status: string }[];
}

/**
 * The state that follows from a participant's linked accounts: no active WEconnect link →
 * `needs-weconnect-signin`; no active tracker → `needs-tracker-consent`; otherwise `active`.
 * `ended` stays; `needs-google-health` (set by staff when the legacy Fitbit API retires) stays
 * until an active Google Health account exists. Pure: no database, no clock.
 * @example participantState({ participant, weconnect: { status: "active" }, trackers: [] }) // "needs-tracker-consent"
 */
export function participantState(input: ParticipantStateInput): ParticipantStatus {
  const current = input.participant.status;
  if (current === "ended") return current;
  const active = input.trackers.filter((t) => t.status === "active");
  const trackerOk = active.some((t) => t.backend === "google-health") || (current !== "needs-google-health" && active.length > 0);
  if (input.weconnect?.status !== "active") return "needs-weconnect-signin";
  if (trackerOk) return "active";
  return current === "needs-google-health" ? "needs-google-health" : "needs-tracker-consent";
}
