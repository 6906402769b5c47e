/** One activity of a demo participant, at local wall-clock times. */
export interface DemoActivity {
  name: string;
  /** Local start `HH:MM`. */
  at: string;
  minutes: number;
  repeat: "never" | "daily";
  /** Local time the participant checks in (`HH:MM`), or null when they skip it that day. */
  checkInAt: string | null;
}

/** A demo participant: one per time zone, each on a different progress mapping. */
export interface DemoParticipant {
  name: string;
  timeZone: string;
  mapping: "tally" | "plan" | "seed";
  activities: DemoActivity[];
}

/** The demo's study: three participants in three time zones, recurring and one-off activities. */
export const DEMO_STUDY: readonly DemoParticipant[] = [
  {
    name: "chiyo",
    timeZone: "Asia/Tokyo",
    mapping: "plan",
    activities: [
      { name: "Morning meditation", at: "06:30", minutes: 30, repeat: "daily", checkInAt: "06:55" },
      { name: "Group therapy", at: "13:00", minutes: 60, repeat: "never", checkInAt: "13:55" },
      { name: "Evening journal", at: "21:00", minutes: 15, repeat: "daily", checkInAt: "21:10" },
    ],
  },
  {
    name: "bob",
    timeZone: "Europe/Berlin",
    mapping: "tally",
    activities: [
      { name: "Gym", at: "08:00", minutes: 60, repeat: "daily", checkInAt: "08:50" },
      { name: "Call sponsor", at: "12:30", minutes: 15, repeat: "daily", checkInAt: null },
      { name: "AA meeting", at: "19:00", minutes: 60, repeat: "never", checkInAt: "19:55" },
    ],
  },
  {
    name: "alice",
    timeZone: "America/Chicago",
    mapping: "seed",
    activities: [
      { name: "Breakfast routine", at: "07:30", minutes: 30, repeat: "daily", checkInAt: "07:50" },
      { name: "Counselor visit", at: "10:00", minutes: 45, repeat: "never", checkInAt: "10:40" },
      { name: "NA meeting", at: "18:00", minutes: 60, repeat: "daily", checkInAt: "18:55" },
      { name: "Walk outside", at: "20:00", minutes: 30, repeat: "daily", checkInAt: null },
    ],
  },
];
