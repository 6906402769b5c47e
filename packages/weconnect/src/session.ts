import type { Http } from "./_http.js";
import { parseBody } from "./_parse-body.js";
import { LoginResponseSchema, PersonSchema, type Person } from "./schemas.js";

/** What every authenticated call needs: the WEconnect person id and its access token. */
export interface Session {
  personId: number;
  /** 64-character LoopBack access token (docs/weconnect-api.md#authentication). A secret: never log it. */
  token: string;
}

/** Result of {@link login}: a usable {@link Session} plus when the token expires. */
export interface LoginResult extends Session {
  /** `created + ttl` from the response, or `null` when the server did not say. */
  expiresAt: Date | null;
}

/** E1 `POST /People/login` with a form body, like the original client (docs/weconnect-api.md#login). Never retried. */
export async function login(http: Http, email: string, password: string): Promise<LoginResult> {
  const endpoint = "POST /People/login";
  const body = await http.request({
    method: "POST",
    operation: "login",
    endpoint,
    path: "/People/login",
    form: { email, password },
  });
  const { accessToken } = parseBody(LoginResponseSchema, body, endpoint);
  // docs/weconnect-api.md#login: rely on accessToken only; `user.userId` was seen only in a test script.
  const ttl = accessToken.ttl;
  const expiresAt =
    accessToken.created && typeof ttl === "number" && ttl >= 0
      ? new Date(accessToken.created.getTime() + ttl * 1000)
      : null;
  return { personId: accessToken.userId, token: accessToken.id, expiresAt };
}

/** E2 `GET /People/:id`: the token check (200 when valid, 401 otherwise; docs/weconnect-api.md#get-person). */
export async function getPerson(http: Http, session: Session): Promise<Person> {
  const endpoint = "GET /People/:id";
  const body = await http.request({
    method: "GET",
    operation: "person",
    endpoint,
    path: `/People/${session.personId}`,
    token: session.token,
    personId: session.personId,
  });
  return parseBody(PersonSchema, body, endpoint);
}
