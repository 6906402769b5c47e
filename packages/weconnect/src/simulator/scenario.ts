import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { WeconnectSimState } from "./state.js";

const instant = z
  .string()
  .refine((s) => /(Z|[+-]\d{2}:?\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), {
    message: "expected an ISO datetime with a zone, e.g. 2019-04-01T14:00:00.000Z",
  })
  .transform((s) => new Date(s));

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "expected a local date 'YYYY-MM-DD'" });

const zone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected an IANA time zone such as America/Chicago" },
);

const ActivitySeedSchema = z.strictObject({
  id: z.number().int().positive().optional(),
  name: z.string().min(1),
  dateStart: instant,
  duration: z.number().int().positive().default(60),
  repeat: z.enum(["never", "daily", "weekly"]).default("never"),
  repeatEnd: instant.nullable().default(null),
});

const CheckInSeedSchema = z.union([
  z.strictObject({ activity: z.union([z.string(), z.number().int()]), date: localDate }),
  z.strictObject({ activity: z.union([z.string(), z.number().int()]), at: instant }),
]);

const PersonSeedSchema = z.strictObject({
  id: z.number().int().positive().optional(),
  email: z.string().min(3),
  password: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  gender: z.string().optional(),
  birthday: localDate.optional(),
  soberday: localDate.optional(),
  phone: z.string().optional(),
  timeZone: zone.default("UTC"),
  activities: z.array(ActivitySeedSchema).default([]),
  checkIns: z.array(CheckInSeedSchema).default([]),
});

/** Schema of a scenario file (documented in the README, example in `examples/scenario.json`). */
export const ScenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  people: z.array(PersonSeedSchema),
});

/** A scenario as written in JSON. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A validated scenario. */
export type Scenario = z.output<typeof ScenarioSchema>;

/**
 * Validate scenario data. @throws Error naming `source` and the first failing path, e.g.
 * `scenario.json: people[0].activities[1].repeat: Invalid option`.
 */
export function parseScenario(data: unknown, source = "scenario"): Scenario {
  const result = ScenarioSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = (issue?.path ?? [])
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
  throw new Error(`${source}: ${where || "(root)"}: ${issue?.message ?? "invalid"}`);
}

/** Read and validate a scenario JSON file. @throws Error when unreadable, not JSON, or invalid. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read scenario file (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseScenario(data, path);
}

/** Add a scenario's people, activities and check-ins to a state. @throws Error on a bad reference. */
export function applyScenario(state: WeconnectSimState, scenario: Scenario): void {
  for (const [i, seed] of scenario.people.entries()) {
    const { activities, checkIns, ...profile } = seed;
    const person = state.addPerson(profile);
    const byName = new Map<string | number, number>();
    for (const a of activities) {
      const created = state.addActivity(person.id, { ...a, activityId: a.id });
      byName.set(a.name, created.activityId).set(created.activityId, created.activityId);
    }
    for (const [j, c] of checkIns.entries()) {
      const activityId = byName.get(c.activity);
      if (activityId === undefined) {
        throw new Error(`people[${i}].checkIns[${j}]: no activity ${JSON.stringify(c.activity)} for ${seed.email}`);
      }
      try {
        state.checkIn(person.id, activityId, "date" in c ? c.date : c.at);
      } catch (error) {
        throw new Error(`people[${i}].checkIns[${j}]: ${(error as Error).message}`);
      }
    }
  }
}
