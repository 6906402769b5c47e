import { createParticipant, isDbError, type Participant } from "@powertoken/db";
import { localDateOf } from "@powertoken/weconnect";
import { z } from "zod";
import { isIanaTimeZone } from "../config/time-zone.js";
import { CoreError } from "../errors.js";
import { defaultStepsFor } from "../mapping/mapping-settings.js";
import type { AdminRuntime } from "./admin-runtime.js";
import { normaliseParticipantName, participantNameProblem } from "./participant-name.js";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");
const count = z.number().int("expected a whole number").min(0, "expected 0 or more");

const EnrolSchema = z
  .object({
    name: z
      .string()
      .transform(normaliseParticipantName)
      .superRefine((name, ctx) => {
        const problem = participantNameProblem(name);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      }),
    timeZone: z.string().refine(isIanaTimeZone, "expected an IANA time zone, e.g. America/Chicago").optional(),
    startDate: date.optional(),
    endDate: date.nullable().optional(),
    mapping: z.enum(["seed", "plan", "weight", "tally", "charge"]).optional(),
    goalSteps: count.optional(),
    scale: count.optional(),
    backend: z.enum(["google-health", "fitbit-legacy"]).optional(),
  })
  .refine((input) => !input.startDate || !input.endDate || input.endDate >= input.startDate, { path: ["endDate"], message: "is before startDate" });

/** What {@link enrolParticipant} takes; the optional fields default from the config. */
export interface EnrolParticipantInput {
  /** Study name given by the researchers; unique. */
  name: string;
  /** IANA zone. @default config.defaults.timeZone */
  timeZone?: string;
  /** First day of enrollment, `YYYY-MM-DD`. @default today in `timeZone` */
  startDate?: string;
  /** Last day of enrollment, or null/absent while open-ended. */
  endDate?: string | null;
  /** @default config.defaults.mapping */
  mapping?: "seed" | "plan" | "weight" | "tally" | "charge";
  /** Steps shown at 100 % (plan, weight, seed). @default the mapping's default */
  goalSteps?: number;
  /** Steps per check-in (tally) or per weight point (charge). @default the mapping's default */
  scale?: number;
  /** The tracker the participant will consent on; validated only (the consent decides the account). @default config.defaults.backend */
  backend?: "google-health" | "fitbit-legacy";
}

/**
 * Enrol one participant (status `needs-weconnect-signin` until the accounts are linked).
 * @throws CoreError INVALID_INPUT with `key` naming the field (`name` when the name is taken)
 * @example const p = await enrolParticipant(runtime, { name: "alice", timeZone: "America/Chicago" });
 */
export async function enrolParticipant(runtime: Pick<AdminRuntime, "db" | "config" | "ctx">, input: EnrolParticipantInput): Promise<Participant> {
  const parsed = EnrolSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join(".") || "input";
    throw new CoreError("INVALID_INPUT", `${key}: ${issue?.message ?? "invalid"}`, { key });
  }
  const given = parsed.data;
  const timeZone = given.timeZone ?? runtime.config.defaults.timeZone;
  const mapping = given.mapping ?? runtime.config.defaults.mapping;
  // Each mapping has its own scale (plan 10,000; tally 25,000 per check-in…): start from it.
  const defaults = defaultStepsFor(mapping);
  try {
    return await createParticipant(runtime.db.db, {
      name: given.name,
      timeZone,
      enrollmentStart: given.startDate ?? localDateOf(runtime.ctx.now(), timeZone),
      enrollmentEnd: given.endDate ?? null,
      mapping,
      goalSteps: given.goalSteps ?? defaults.goalSteps,
      stepsPerUnit: given.scale ?? defaults.stepsPerUnit,
      now: runtime.ctx.now(),
    });
  } catch (error) {
    if (isDbError(error) && error.code === "CONFLICT") throw new CoreError("INVALID_INPUT", error.message, { key: "name", cause: error });
    throw error;
  }
}
