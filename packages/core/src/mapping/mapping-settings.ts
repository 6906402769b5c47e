/** The five ways PowerToken turns check-ins into a step count (docs/original-system.md#era-b-cron-jobs, docs/original-system.md#era-e-metaphors). */
export type MappingName = "seed" | "plan" | "weight" | "tally" | "charge";

/** Every mapping name, in documentation order. */
export const MAPPING_NAMES: readonly MappingName[] = ["seed", "plan", "weight", "tally", "charge"];

/** The numbers the mappings scale by. Every field is a whole number of steps. */
export interface MappingSettings {
  /** `seed`: steps for 100 % progress, and the legacy daily goal it expects. @default 1_000_000 */
  seedGoalSteps: number;
  /** `plan` and `weight`: steps for 100 % of today's plan. @default 10_000 */
  scaleSteps: number;
  /** `tally`: steps per check-in (100,000 ÷ 4: one progress light per check-in). @default 25_000 */
  tallyStepsPerCheckin: number;
  /** `charge`: steps per weight point checked in. @default 10_000 */
  chargeStepsPerPoint: number;
  /** `tally` and `charge`: the daily goal they are drawn against on legacy. @default 100_000 */
  countGoalSteps: number;
  /** No mapping ever shows more than this. @default 1_000_000 */
  maxSteps: number;
}

/** The defaults of {@link MappingSettings}. */
export const DEFAULT_MAPPING_SETTINGS: Readonly<MappingSettings> = Object.freeze({
  seedGoalSteps: 1_000_000,
  scaleSteps: 10_000,
  tallyStepsPerCheckin: 25_000,
  chargeStepsPerPoint: 10_000,
  countGoalSteps: 100_000,
  maxSteps: 1_000_000,
});

/**
 * The legacy daily step goal a mapping expects, so the tracker's goal bar means "done"
 * at the right value (maintenance sets it with `tracker.ensureDailyStepGoal`).
 */
export function goalStepsFor(mapping: MappingName, settings: MappingSettings = DEFAULT_MAPPING_SETTINGS): number {
  switch (mapping) {
    case "seed":
      return settings.seedGoalSteps;
    case "plan":
    case "weight":
      return settings.scaleSteps;
    case "tally":
    case "charge":
      return settings.countGoalSteps;
  }
}

/**
 * The per-participant numbers (`participants.goal_steps`, `participants.steps_per_unit`) that
 * give a mapping its documented defaults; use them when enrolling someone.
 * @example defaultStepsFor("plan") // { goalSteps: 10_000, stepsPerUnit: 25_000 }
 */
export function defaultStepsFor(mapping: MappingName, settings: MappingSettings = DEFAULT_MAPPING_SETTINGS): { goalSteps: number; stepsPerUnit: number } {
  switch (mapping) {
    case "seed":
      return { goalSteps: settings.seedGoalSteps, stepsPerUnit: settings.tallyStepsPerCheckin };
    case "plan":
    case "weight":
      return { goalSteps: settings.scaleSteps, stepsPerUnit: settings.tallyStepsPerCheckin };
    case "tally":
      return { goalSteps: settings.countGoalSteps, stepsPerUnit: settings.tallyStepsPerCheckin };
    case "charge":
      return { goalSteps: settings.countGoalSteps, stepsPerUnit: settings.chargeStepsPerPoint };
  }
}
