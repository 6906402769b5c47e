import { parseBody, type Http } from "../_http.js";
import { API } from "./errors.js";
import type { Auth } from "./points.js";
import { DailyRollUpSchema } from "./schemas.js";

const ROLL_UP = "/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp";

/**
 * The day's step total from every source, as Google rolls it up per civil day
 * (docs/google-health-api.md#step-totals). An empty day has no value: 0.
 */
export async function dailySteps(http: Http, auth: Auth, date: string): Promise<number> {
  const endpoint = `POST ${ROLL_UP}`;
  const civil = (d: string) => {
    const [year, month, day] = d.split("-").map(Number) as [number, number, number];
    return { date: { year, month, day } };
  };
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const res = await http.request({
    endpoint,
    operation: "daily-steps",
    method: "POST",
    path: ROLL_UP,
    json: { range: { start: civil(date), end: civil(next) }, windowSizeDays: 1 },
    idempotent: true, // a read, sent as POST
    auth,
  });
  const body = parseBody(DailyRollUpSchema, res.body, endpoint, API);
  return body.rollupDataPoints?.reduce((sum, point) => sum + Number(point.steps?.countSum ?? "0"), 0) ?? 0;
}
