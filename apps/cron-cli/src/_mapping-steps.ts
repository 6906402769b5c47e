import { defaultStepsFor } from "@powertoken/core";
import type { ProgressMapping } from "@powertoken/db";

/** A new participant's step numbers: the mapping's documented defaults, overridden by what was given. */
export function mappingSteps(mapping: ProgressMapping, given: { goalSteps?: number | undefined; stepsPerUnit?: number | undefined }): { goalSteps: number; stepsPerUnit: number } {
  const defaults = defaultStepsFor(mapping);
  return { goalSteps: given.goalSteps ?? defaults.goalSteps, stepsPerUnit: given.stepsPerUnit ?? defaults.stepsPerUnit };
}
