import { z } from "zod";

// Bodies of the legacy Fitbit Web API v1, parsed loosely (unknown fields are dropped), per
// docs/fitbit-web-api.md#endpoints. `logId` arrives as a string because `parseJsonKeepingIds`
// quotes it before JSON.parse (docs/fitbit-web-api.md#q1-64-bit-ids: 19-digit ids exceed 2^53).

/** A log id as we keep it: the exact decimal digits, never a JS number. */
const LogIdSchema = z.string().regex(/^\d{1,20}$/, "expected a decimal log id");

/** `GET /1/user/-/profile.json` (docs/fitbit-web-api.md#profile). */
export const ProfileResponseSchema = z.object({
  user: z.object({
    encodedId: z.string().optional(),
    timezone: z.string().min(1),
    offsetFromUTCMillis: z.number().optional(),
  }),
});
/** The profile fields PowerToken reads. */
export type LegacyProfile = z.infer<typeof ProfileResponseSchema>["user"];

/** `goals` object of `GET|POST /1/user/-/activities/goals/daily.json` (docs/fitbit-web-api.md#read-daily-goals, docs/fitbit-web-api.md#set-daily-goal); all members optional. */
export const GoalsSchema = z.object({
  steps: z.number().int().nonnegative().optional(),
  activeMinutes: z.number().optional(),
  caloriesOut: z.number().optional(),
  distance: z.number().optional(),
  floors: z.number().optional(),
});
/** The daily goals of a user. */
export type LegacyGoals = z.infer<typeof GoalsSchema>;
/** Goals endpoint body. */
export const GoalsResponseSchema = z.object({ goals: GoalsSchema });

/** One log in the short shape of the daily summary and of the create response (docs/fitbit-web-api.md#daily-activity-summary, docs/fitbit-web-api.md#create-activity-log). */
export const ShortLogSchema = z.object({
  logId: LogIdSchema,
  activityId: z.number().int(),
  // Posting 90013 makes Fitbit substitute an intensity-level id; the parent keeps 90013 (docs/fitbit-web-api.md#create-activity-log).
  activityParentId: z.number().int().optional(),
  name: z.string().optional(),
  startDate: z.string().optional(),
  startTime: z.string().optional(),
  duration: z.number().int().optional(),
  // Missing on entries without steps (docs/fitbit-web-api.md#daily-activity-summary).
  steps: z.number().int().optional(),
  hasStartTime: z.boolean().optional(),
});
/** A day's activity log entry, short shape. */
export type LegacyShortLog = z.infer<typeof ShortLogSchema>;

/** `GET /1/user/-/activities/date/{date}.json` (docs/fitbit-web-api.md#daily-activity-summary); `goals` may be absent. */
export const DaySummaryResponseSchema = z.object({
  activities: z.array(ShortLogSchema),
  goals: GoalsSchema.optional(),
  summary: z.object({ steps: z.number().int().nonnegative() }),
});
/** The daily activity summary. */
export type LegacyDaySummary = z.infer<typeof DaySummaryResponseSchema>;

/** `POST /1/user/-/activities.json` → 201 `{ activityLog }` (docs/fitbit-web-api.md#create-activity-log). */
export const CreateLogResponseSchema = z.object({ activityLog: ShortLogSchema });

/** One log in the long shape of the log list (docs/fitbit-web-api.md#activity-log-list). */
export const ListLogSchema = z.object({
  logId: LogIdSchema,
  logType: z.string().optional(),
  activityName: z.string().optional(),
  activityTypeId: z.number().int().optional(),
  activityParentId: z.number().int().optional(),
  steps: z.number().int().optional(),
  duration: z.number().int().optional(),
  // Full ISO timestamp with the user's local offset (older captures: `Z`).
  startTime: z.string().optional(),
  source: z.object({ type: z.string().optional() }).loose().optional(),
});
/** A log entry, long shape. */
export type LegacyListLog = z.infer<typeof ListLogSchema>;

/** `GET /1/user/-/activities/list.json` (docs/fitbit-web-api.md#activity-log-list); `next` is `""` (not null) on the last page. */
export const LogListResponseSchema = z.object({
  activities: z.array(ListLogSchema),
  pagination: z.object({
    next: z.string().optional(),
    previous: z.string().optional(),
    limit: z.number().int().optional(),
    offset: z.number().int().optional(),
  }),
});

/** `GET /1/user/-/activities/steps/date/{date}/1d.json` (docs/fitbit-web-api.md#steps-time-series); `value` is a string. */
export const StepsSeriesResponseSchema = z.object({
  "activities-steps": z.array(z.object({ dateTime: z.string(), value: z.string().regex(/^\d+$/) })),
});

/** Fitbit's error envelope (docs/fitbit-web-api.md#error-envelope); `fieldName` and `success` are often absent. */
export const ErrorEnvelopeSchema = z.object({
  errors: z
    .array(
      z.object({
        errorType: z.string(),
        fieldName: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .min(1),
});
