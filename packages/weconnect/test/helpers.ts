import { startWeconnectSimulator, type WeconnectSimulator } from "../src/simulator/index.js";

/** A mutable clock for the simulator: tests fast-forward with `clock.set()`. */
export function createClock(start: string) {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (iso: string) => {
      current = new Date(iso);
    },
    advanceDays: (days: number) => {
      current = new Date(current.getTime() + days * 86_400_000);
    },
  };
}

export const PAT = { id: 1042, email: "pat@example.org", password: "pat-password" } as const;

/** Simulator seeded with Pat (America/Chicago), one daily, one weekly and one one-off activity. */
export async function startSeeded(now: () => Date): Promise<WeconnectSimulator> {
  return startWeconnectSimulator({
    now,
    seed: {
      people: [
        {
          ...PAT,
          firstName: "Pat",
          timeZone: "America/Chicago",
          activities: [
            { id: 4211, name: "Morning meeting", dateStart: "2019-04-01T14:00:00.000Z", duration: 60, repeat: "daily" },
            { id: 4212, name: "Call sponsor", dateStart: "2019-04-04T00:30:00.000Z", duration: 30, repeat: "weekly" },
            { id: 4213, name: "Intake", dateStart: "2019-04-10T16:00:00.000Z", duration: 90, repeat: "never" },
          ],
          checkIns: [{ activity: "Morning meeting", date: "2019-04-17" }],
        },
        { id: 1043, email: "sam@example.org", password: "sam-password" },
      ],
    },
  });
}
