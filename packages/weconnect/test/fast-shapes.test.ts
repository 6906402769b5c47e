import { describe, expect, it } from "vitest";
import { fastActivitiesWithEvents, fastProgressEvents } from "../src/_fast-shapes.js";
import { ActivityWithEventsListSchema, ProgressResponseSchema } from "../src/schemas.js";

// The hand checks must agree with zod: the same result for a body zod accepts (values and key
// order), and no result for a body zod rejects.
const event = { eid: "e1", dateStart: "2026-11-25T15:00:00.000Z", duration: 30, activityId: 7, didCheckin: true, extra: "kept" };
const activity = {
  activityId: 7,
  userId: 3,
  name: "Walk",
  dateStart: "2026-11-01T15:00:00.000Z",
  duration: 30,
  repeat: "daily",
  repeatEnd: null,
  dateModified: "2026-11-20T08:00:00.000Z",
  events: [event, { ...event, eid: 12, didCheckin: false }],
  category: { id: 1 },
};

const bad: unknown[] = ["1", 1, 1.5, -1, 2 ** 53, 1e20, "", "-1", "1.0", "0x1", null, true, [], {}, "not a date", Number.NaN, Number.POSITIVE_INFINITY, undefined];

/** Every body with one field of one level replaced by each bad value, or removed. */
function variants(body: Record<string, unknown>, wrap: (b: Record<string, unknown>) => unknown): unknown[] {
  const out: unknown[] = [];
  for (const key of Object.keys(body)) {
    const { [key]: _dropped, ...without } = body;
    out.push(wrap(without));
    for (const value of bad) out.push(wrap({ ...body, [key]: value }));
  }
  return out;
}

function agree(fast: (body: unknown) => unknown, zod: (body: unknown) => { success: boolean; data?: unknown }, body: unknown): void {
  const parsed = zod(body);
  const mine = fast(body);
  if (!parsed.success) expect(mine, JSON.stringify(body)).toBeUndefined();
  else if (mine !== undefined) {
    expect(mine).toEqual(parsed.data);
    expect(JSON.stringify(mine)).toBe(JSON.stringify(parsed.data));
  }
}

describe("the hand checks of the poll's hot WEconnect bodies", () => {
  const activities = (body: unknown) => agree(fastActivitiesWithEvents, (b) => ActivityWithEventsListSchema.safeParse(b), body);

  it("return zod's result for valid activities-with-events, extra keys and numeric-string ids included", () => {
    const bodies = [[], [activity], [activity, { ...activity, activityId: "8", userId: "0", repeatEnd: "2027-01-01T00:00:00.000Z", events: [] }]];
    for (const body of bodies) {
      expect(fastActivitiesWithEvents(body)).toBeDefined();
      activities(body);
    }
  });

  it("accept no activities-with-events body that zod rejects", () => {
    const bodies = [
      null,
      {},
      "[]",
      [null],
      [[]],
      ...variants(activity, (a) => [a]),
      ...variants(event, (e) => [{ ...activity, events: [e] }]),
      [{ ...activity, events: [null] }],
      [{ ...activity, events: {} }],
    ];
    expect(bodies.length).toBeGreaterThan(300);
    for (const body of bodies) activities(body);
  });

  it("agree with zod on progress bodies, valid and broken", () => {
    const progress = (body: unknown) =>
      agree(
        fastProgressEvents,
        (b) => {
          const parsed = ProgressResponseSchema.safeParse(b);
          return parsed.success ? { success: true, data: { completed: parsed.data.events.completed, total: parsed.data.events.total } } : { success: false };
        },
        body,
      );
    const valid = { events: { completed: 2, total: 5, other: 1 }, extra: true };
    expect(fastProgressEvents(valid)).toEqual({ completed: 2, total: 5 });
    expect(fastProgressEvents({ events: { completed: 0, total: 0 } })).toEqual({ completed: 0, total: 0 });
    for (const body of [null, [], {}, { events: null }, { events: [] }, ...variants(valid.events, (e) => ({ events: e })), ...variants(valid, (b) => b)]) progress(body);
  });
});
