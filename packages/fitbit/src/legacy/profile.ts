import { parseBody } from "../_http.js";
import { API, type LegacySession } from "./_session.js";
import { ProfileResponseSchema, type LegacyProfile } from "./schemas.js";

const PROFILE = "GET /1/user/-/profile.json";

/**
 * Reads the profile of the token's user (docs/fitbit-web-api.md#profile; scope `profile`).
 * @throws FitbitError INSUFFICIENT_SCOPE when the participant unticked `profile` (docs/fitbit-web-api.md#q7-unticked-scopes), UNAUTHORIZED, API_GONE, …
 */
export async function getProfile(session: LegacySession): Promise<LegacyProfile> {
  const response = await session.request({ endpoint: PROFILE, method: "GET", path: "/1/user/-/profile.json" });
  return parseBody(ProfileResponseSchema, response.body, PROFILE, API).user;
}
