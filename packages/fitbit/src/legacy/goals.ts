import { FitbitError } from "../errors.js";
import { parseBody } from "../_http.js";
import { API, type LegacySession } from "./_session.js";
import { GoalsResponseSchema, type LegacyGoals } from "./schemas.js";

const GET_GOALS = "GET /1/user/-/activities/goals/daily.json";
const SET_GOAL = "POST /1/user/-/activities/goals/daily.json";
const GOALS_PATH = "/1/user/-/activities/goals/daily.json";

/** Reads the daily goals (docs/fitbit-web-api.md#read-daily-goals); every member may be missing on older accounts. */
export async function getDailyGoals(session: LegacySession): Promise<LegacyGoals> {
  const response = await session.request({ endpoint: GET_GOALS, method: "GET", path: GOALS_PATH });
  return parseBody(GoalsResponseSchema, response.body, GET_GOALS, API).goals;
}

/**
 * Sets the daily step goal (docs/fitbit-web-api.md#set-daily-goal) the way the seed did: `period=daily&type=steps&value=N` as query
 * parameters. Setting a value is idempotent, so it may be retried.
 * @throws FitbitError INVALID_RESPONSE when the answer does not carry the new goal.
 */
export async function setDailyStepGoal(session: LegacySession, steps: number): Promise<LegacyGoals> {
  const response = await session.request({
    endpoint: SET_GOAL,
    method: "POST",
    path: GOALS_PATH,
    query: { period: "daily", type: "steps", value: steps },
    idempotent: true,
  });
  const goals = parseBody(GoalsResponseSchema, response.body, SET_GOAL, API).goals;
  if (goals.steps !== steps) {
    throw new FitbitError("INVALID_RESPONSE", `Fitbit answered ${SET_GOAL} without the new step goal ${steps}.`, { endpoint: SET_GOAL, api: API });
  }
  return goals;
}
