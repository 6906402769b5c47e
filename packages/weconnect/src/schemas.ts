import { z } from "zod";

/**
 * Zod schemas for every WEconnect body the client reads (docs/weconnect-api.md#object-shapes). Objects are loose
 * (unknown fields pass through, LB3 models grow fields) and only the fields the reference lists
 * are required. Datetimes become `Date`, `eid` becomes a string, `duration` becomes
 * `durationMinutes`.
 */

/** A datetime string as LoopBack renders it (`toISOString()`, docs/weconnect-api.md#dates-and-time-windows), parsed into a UTC `Date`. */
export const DateTimeSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: "expected an ISO datetime" })
  .transform((s) => new Date(s));

/** A person or activity id: an integer, tolerated as a numeric string. */
const IdSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, { message: "expected an integer id" })
    .transform((s) => Number(s)),
]);

/** E1 login response: `{ accessToken: { id, userId, ttl?, created? }, user? }` (docs/weconnect-api.md#login). */
export const LoginResponseSchema = z.looseObject({
  accessToken: z.looseObject({
    id: z.string().min(1),
    userId: IdSchema,
    ttl: z.number().nullish(),
    created: DateTimeSchema.nullish(),
  }),
  user: z.looseObject({}).optional(),
});

/** E2 person. Its fields were never read by the original (docs/weconnect-api.md#get-person); only `id` is required. */
export const PersonSchema = z.looseObject({
  id: IdSchema,
  email: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
});
/** A WEconnect person (profile), as returned by `getPerson`. */
export type Person = z.output<typeof PersonSchema>;

/** One occurrence of an activity (E6 `events[]`, docs/weconnect-api.md#event). */
export const EventSchema = z
  .looseObject({
    eid: z.union([z.string(), z.number()]).transform((v) => String(v)),
    dateStart: DateTimeSchema,
    duration: z.number(),
    activityId: IdSchema,
    didCheckin: z.boolean(),
  })
  .transform(({ duration, ...rest }) => ({ ...rest, durationMinutes: duration }));
/** An occurrence with its check-in flag. `durationMinutes` is WEconnect's `duration`. */
export type WeconnectEvent = z.output<typeof EventSchema>;

const activityShape = {
  activityId: IdSchema,
  userId: IdSchema,
  name: z.string(),
  dateStart: DateTimeSchema,
  duration: z.number(),
  repeat: z.string(),
  repeatEnd: DateTimeSchema.nullable(),
  dateModified: DateTimeSchema,
};

/** E4 activity (docs/weconnect-api.md#activity). */
export const ActivitySchema = z
  .looseObject(activityShape)
  .transform(({ duration, ...rest }) => ({ ...rest, durationMinutes: duration }));
/**
 * A WEconnect activity. `repeat` is `"never" | "daily" | "weekly"` in practice; other values are
 * undocumented (docs/weconnect-api.md#object-shapes) and kept as strings. `durationMinutes` is WEconnect's `duration`.
 */
export type Activity = z.output<typeof ActivitySchema>;

/** E6 item: an activity and its occurrences in the window. */
export const ActivityWithEventsSchema = z
  .looseObject({ ...activityShape, events: z.array(EventSchema) })
  .transform(({ duration, ...rest }) => ({ ...rest, durationMinutes: duration }));
/** An activity with the `events` that start inside the requested window. */
export type ActivityWithEvents = z.output<typeof ActivityWithEventsSchema>;

/** E4 body. */
export const ActivityListSchema = z.array(ActivitySchema);
/** E6 body. */
export const ActivityWithEventsListSchema = z.array(ActivityWithEventsSchema);

/** E5 body: `{ events: { completed, total } }` (docs/weconnect-api.md#progress), both integers, `total` may be 0. */
export const ProgressResponseSchema = z.looseObject({
  events: z.looseObject({
    completed: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
});

/** LoopBack error body (docs/weconnect-api.md#errors), read leniently: any field may be missing. */
export const LoopbackErrorSchema = z.object({
  error: z.object({
    statusCode: z.number().optional(),
    name: z.string().optional(),
    message: z.string().optional(),
    code: z.string().optional(),
  }),
});
