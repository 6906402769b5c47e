import { z } from "zod";

/** google.rpc.Status as found in an Operation (numeric `code`, docs/google-health-api.md#error-body). */
export const RpcStatusSchema = z.object({
  code: z.number().int(),
  message: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});

/** google.rpc.Status wrapped in an HTTP error body (`code` = HTTP status, `status` = code name). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.number().int().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.object({ "@type": z.string().optional(), reason: z.string().optional() }).loose()).optional(),
  }),
});

/** The exercise member of a DataPoint, as far as PowerToken reads it. */
export const ExerciseSchema = z
  .object({
    interval: z.object({ startTime: z.string(), endTime: z.string() }).loose(),
    exerciseType: z.string().optional(),
    displayName: z.string().optional(),
    metricsSummary: z.object({ steps: z.string().regex(/^\d+$/).optional() }).loose().optional(),
  })
  .loose();

/** An exercise DataPoint (docs/google-health-api.md#exercise-data-point). */
export const DataPointSchema = z
  .object({
    name: z.string(),
    exercise: ExerciseSchema.optional(),
  })
  .loose();

/** google.longrunning.Operation from create/patch/batchDelete (docs/google-health-api.md#operations, docs/google-health-api.md#get-patch-delete). */
export const OperationSchema = z
  .object({
    name: z.string().optional(),
    done: z.boolean().optional(),
    error: RpcStatusSchema.optional(),
    response: z.unknown().optional(),
    metadata: z.object({ failedRequests: z.record(z.string(), RpcStatusSchema).optional() }).loose().optional(),
  })
  .loose();

/** GET /v4/users/me/identity (docs/google-health-api.md#identity-and-settings). */
export const IdentitySchema = z
  .object({ healthUserId: z.string(), legacyUserId: z.string().optional() })
  .loose();

/** GET /v4/users/me/settings (docs/google-health-api.md#identity-and-settings); only the time zone matters here. */
export const SettingsSchema = z.object({ timeZone: z.string().min(1), utcOffset: z.string().optional() }).loose();

/** POST steps/dataPoints:dailyRollUp; an empty window has no `steps` member. */
export const DailyRollUpSchema = z
  .object({
    rollupDataPoints: z
      .array(z.object({ steps: z.object({ countSum: z.string().regex(/^\d+$/).optional() }).loose().optional() }).loose())
      .optional(),
  })
  .loose();
