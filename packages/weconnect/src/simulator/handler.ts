import type { TimeWindow } from "../windows.js";
import { authRequired, json, lbError, parseServerDate } from "./_loopback.js";
import type { SimActivity, SimPerson, WeconnectSimState } from "./state.js";

/** Options of {@link createWeconnectHandler}. */
export interface WeconnectHandlerOptions {
  /**
   * Also accept the token from `X-Access-Token` or `Authorization` headers, as LB3 does; off by
   * default because WEconnect's header support is UNDOCUMENTED (§2, §7.3).
   * @default false
   */
  headerTokens?: boolean;
}

/** A matched route: its template (for logs) and the person id segment, if any. */
export interface SimRoute {
  template: string;
  personId?: string;
}

const ROUTES: Array<[method: string, pattern: RegExp, template: string]> = [
  ["POST", /^\/api\/people\/login$/i, "POST /api/People/login"],
  ["POST", /^\/api\/people$/i, "POST /api/People"],
  ["GET", /^\/api\/people\/([^/]+)$/i, "GET /api/People/:id"],
  ["GET", /^\/api\/people\/([^/]+)\/activities$/i, "GET /api/People/:id/activities"],
  ["GET", /^\/api\/people\/([^/]+)\/activities\/progress$/i, "GET /api/People/:id/activities/progress"],
  ["GET", /^\/api\/people\/([^/]+)\/activities-with-events$/i, "GET /api/People/:id/activities-with-events"],
];

/**
 * Match a request line. §1: Express routes case-insensitively and ignores one trailing slash,
 * which is why the original's `/api/people/...` and `/api/People/...` both worked.
 */
export function matchRoute(method: string, pathname: string): SimRoute | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, "") : pathname;
  for (const [m, pattern, template] of ROUTES) {
    const match = m === method ? pattern.exec(path) : null;
    if (match) return match[1] === undefined ? { template } : { template, personId: match[1] };
  }
  return undefined;
}

function personJson(p: SimPerson) {
  // §3 E2 CHOICE: the profile without the password (and without the simulator-only timeZone).
  const { id, email, firstName, lastName, gender, birthday, soberday, phone } = p;
  return { id, email, firstName, lastName, gender, birthday, soberday, phone };
}

function activityJson(a: SimActivity) {
  const { activityId, userId, name, dateStart, duration, repeat, repeatEnd, dateModified } = a;
  return { activityId, userId, name, dateStart, duration, repeat, repeatEnd, dateModified };
}

async function readBody(request: Request): Promise<Record<string, unknown> | Response> {
  const text = await request.text();
  const type = request.headers.get("content-type") ?? "";
  // §1: the original sent form bodies; LB3 also accepts JSON.
  if (type.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return lbError(400, "Unexpected token in JSON body", undefined, { name: "SyntaxError" });
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * The simulated WEconnect API as a function from `Request` to `Response`; no sockets. Routes live
 * under `/api` (reference §1), so a server's base URL is `http://host:port/api`.
 */
export function createWeconnectHandler(
  state: WeconnectSimState,
  options: WeconnectHandlerOptions = {},
): (request: Request) => Promise<Response> {
  function tokenOf(request: Request, url: URL): string | undefined {
    const fromQuery = url.searchParams.get("access_token");
    if (fromQuery) return fromQuery;
    if (!options.headerTokens) return undefined;
    const header = request.headers.get("x-access-token") ?? request.headers.get("authorization");
    return header?.replace(/^Bearer\s+/i, "") || undefined;
  }

  function windowOf(url: URL): TimeWindow | undefined {
    const from = parseServerDate(url.searchParams.get("from"));
    const to = parseServerDate(url.searchParams.get("to"));
    return from && to ? { from, to } : undefined;
  }

  async function login(request: Request): Promise<Response> {
    const body = await readBody(request);
    if (body instanceof Response) return body;
    const email = str(body.email);
    // §3 E1 (LB3): no email → 400; wrong email or password → 401 LOGIN_FAILED.
    if (!email) return lbError(400, "username or email is required", "USERNAME_EMAIL_REQUIRED");
    const person = state.findPersonByEmail(email);
    if (!person || person.password !== str(body.password)) return lbError(401, "login failed", "LOGIN_FAILED");
    const token = state.tokens.get(state.issueToken(person.id));
    // §3 E1: the custom `{ accessToken, user }` wrapper; CHOICE: user carries id and userId.
    return json({
      accessToken: token,
      user: { ...personJson(person), userId: person.id },
    });
  }

  async function createPerson(request: Request): Promise<Response> {
    const body = await readBody(request);
    if (body instanceof Response) return body;
    const email = str(body.email);
    const password = str(body.password);
    const codes: Record<string, string[]> = {};
    if (!email) codes.email = ["presence"];
    else if (state.findPersonByEmail(email)) codes.email = ["uniqueness"];
    if (!password) codes.password = ["presence"];
    if (!email || !password || codes.email) {
      // §3 E3 (LB3): validation failures are 422 ValidationError with details.codes.
      const messages = Object.fromEntries(
        Object.entries(codes).map(([k, v]) => [k, [v[0] === "uniqueness" ? "Email already exists" : "can't be blank"]]),
      );
      return lbError(422, "The `Person` instance is not valid.", undefined, {
        name: "ValidationError",
        details: { context: "Person", codes, messages },
      });
    }
    const person = state.addPerson({
      email,
      password,
      firstName: str(body.firstName),
      lastName: str(body.lastName),
      gender: str(body.gender),
      birthday: str(body.birthday),
      soberday: str(body.soberday),
      phone: str(body.phone),
    });
    return json(personJson(person));
  }

  return async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = matchRoute(request.method, url.pathname);
    if (!route) {
      // §7.4: unknown route → 404 LB3 body; the message names the path, never the query.
      return lbError(404, `There is no method to handle ${request.method} ${url.pathname}`, "NOT_FOUND");
    }
    try {
      if (route.template === "POST /api/People/login") return await login(request);
      if (route.template === "POST /api/People") return await createPerson(request);

      const token = state.authenticate(tokenOf(request, url) ?? "");
      // §3 E2 CHOICE (LB3 $owner ACL): any id other than the token's userId is 401, like no token.
      if (!token || route.personId !== String(token.userId)) return authRequired();
      const person = state.people.get(token.userId);
      if (!person) return authRequired();
      const mine = [...state.activities.values()]
        .filter((a) => a.userId === person.id)
        .sort((a, b) => a.activityId - b.activityId); // §3 E4 CHOICE: ascending activityId

      switch (route.template) {
        case "GET /api/People/:id":
          return json(personJson(person));
        case "GET /api/People/:id/activities":
          return json(mine.map(activityJson));
        case "GET /api/People/:id/activities/progress":
        case "GET /api/People/:id/activities-with-events": {
          const window = windowOf(url);
          // §5 CHOICE: a missing or unparseable from/to is 400 "invalid date".
          if (!window) return lbError(400, "invalid date");
          const withEvents = mine.map((a) => ({ a, events: state.eventsOf(a, window) }));
          if (route.template.endsWith("/progress")) {
            // §3 E5: total = occurrences starting in the window, completed = those checked in.
            const all = withEvents.flatMap((x) => x.events);
            return json({ events: { completed: all.filter((e) => e.didCheckin).length, total: all.length } });
          }
          // §3 E6 CHOICE: activities without an occurrence in the window are omitted.
          return json(
            withEvents
              .filter((x) => x.events.length > 0)
              .map(({ a, events }) => ({
                ...activityJson(a),
                events: events.map((e) => ({
                  eid: e.eid,
                  dateStart: e.start,
                  duration: a.duration,
                  activityId: a.activityId,
                  didCheckin: e.didCheckin,
                })),
              })),
          );
        }
        default:
          return lbError(404, `There is no method to handle ${request.method} ${url.pathname}`, "NOT_FOUND");
      }
    } catch {
      return lbError(500, "Internal Server Error");
    }
  };
}
