import { parseBody } from "../_http.js";
import { API, type LegacySession } from "./_session.js";
import { DaySummaryResponseSchema, StepsSeriesResponseSchema, type LegacyDaySummary } from "./schemas.js";

const DAY_SUMMARY = "GET /1/user/-/activities/date/:date.json";
const STEPS_SERIES = "GET /1/user/-/activities/steps/date/:date/1d.json";

/**
 * The daily activity summary of a local date (docs/fitbit-web-api.md#daily-activity-summary): that day's logs in the short shape, goals
 * and `summary.steps`. Always an explicit date, never `today` (goals go missing with `today`).
 */
export async function getDaySummary(session: LegacySession, date: string): Promise<LegacyDaySummary> {
  const response = await session.request({ endpoint: DAY_SUMMARY, method: "GET", path: `/1/user/-/activities/date/${date}.json` });
  return parseBody(DaySummaryResponseSchema, response.body, DAY_SUMMARY, API);
}

/**
 * The day's step total from the steps time series (docs/fitbit-web-api.md#steps-time-series), what the seed read as its display
 * check; the series' `value` is a string. 0 when the series is empty.
 */
export async function getDaySteps(session: LegacySession, date: string): Promise<number> {
  const response = await session.request({ endpoint: STEPS_SERIES, method: "GET", path: `/1/user/-/activities/steps/date/${date}/1d.json` });
  const series = parseBody(StepsSeriesResponseSchema, response.body, STEPS_SERIES, API)["activities-steps"];
  const day = series.find((point) => point.dateTime === date);
  return day ? Number(day.value) : 0;
}
