/** Internal: the simulated API as a plain function of a transport-neutral request; no sockets, no Web Request. */
import type { TimeWindow } from "../windows.js";
import { authRequired, json, lbError, parseServerDate, type SimReply } from "./_loopback.js";
import type { SimRoute } from "./routes.js";
import type { SimActivity, SimPerson, WeconnectSimState } from "./state.js";

/** What the responder needs from a request, whichever server delivered it. */
export interface SimRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  /** A header by lower-case name. */
  header(name: string): string | undefined;
  /** The body text; read only for POST routes. */
  body: string;
}

/** Options of the responder (and of `createWeconnectHandler`). */
export interface ResponderOptions {
  /**
   * Also accept the token from `X-Access-Token` or `Authorization` headers, as LB3 does; off by
   * default because WEconnect's header support is UNDOCUMENTED (docs/weconnect-api.md#authentication, docs/weconnect-api.md#simulator-checklist).
   * @default false
   */
  headerTokens?: boolean;
}

function personJson(p: SimPerson) {
  // docs/weconnect-api.md#get-person CHOICE: the profile without the password (and without the simulator-only timeZone).
  const { id, email, firstName, lastName, gender, birthday, soberday, phone } = p;
  return { id, email, firstName, lastName, gender, birthday, soberday, phone };
}

function activityJson(a: SimActivity) {
  const { activityId, userId, name, dateStart, duration, repeat, repeatEnd, dateModified } = a;
  return { activityId, userId, name, dateStart, duration, repeat, repeatEnd, dateModified };
}

function readBody(request: SimRequest): Record<string, unknown> | SimReply {
  const type = request.header("content-type") ?? "";
  // docs/weconnect-api.md#base-url-and-transport: the original sent form bodies; LB3 also accepts JSON.
  if (type.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(request.body);
      return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return lbError(400, "Unexpected token in JSON body", undefined, { name: "SyntaxError" });
    }
  }
  return Object.fromEntries(new URLSearchParams(request.body));
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
const isReply = (v: unknown): v is SimReply => typeof (v as SimReply).status === "number" && "body" in (v as object);

/** Build the responder for one state: routes E1–E6 with LoopBack 3's status codes and bodies. */
export function createResponder(
  state: WeconnectSimState,
  options: ResponderOptions = {},
): (route: SimRoute | undefined, request: SimRequest) => SimReply {
  function tokenOf(request: SimRequest): string | undefined {
    const fromQuery = request.query.get("access_token");
    if (fromQuery) return fromQuery;
    if (!options.headerTokens) return undefined;
    const header = request.header("x-access-token") ?? request.header("authorization");
    return header?.replace(/^Bearer\s+/i, "") || undefined;
  }

  function windowOf(query: URLSearchParams): TimeWindow | undefined {
    const from = parseServerDate(query.get("from"));
    const to = parseServerDate(query.get("to"));
    return from && to ? { from, to } : undefined;
  }

  function login(request: SimRequest): SimReply {
    const body = readBody(request);
    if (isReply(body)) return body;
    const email = str(body.email);
    // docs/weconnect-api.md#login (LB3): no email → 400; wrong email or password → 401 LOGIN_FAILED.
    if (!email) return lbError(400, "username or email is required", "USERNAME_EMAIL_REQUIRED");
    const person = state.findPersonByEmail(email);
    if (!person || person.password !== str(body.password)) return lbError(401, "login failed", "LOGIN_FAILED");
    const token = state.tokens.get(state.issueToken(person.id));
    // docs/weconnect-api.md#login: the custom `{ accessToken, user }` wrapper; CHOICE: user carries id and userId.
    return json({ accessToken: token, user: { ...personJson(person), userId: person.id } });
  }

  function createPerson(request: SimRequest): SimReply {
    const body = readBody(request);
    if (isReply(body)) return body;
    const email = str(body.email);
    const password = str(body.password);
    const codes: Record<string, string[]> = {};
    if (!email) codes.email = ["presence"];
    else if (state.findPersonByEmail(email)) codes.email = ["uniqueness"];
    if (!password) codes.password = ["presence"];
    if (!email || !password || codes.email) {
      // docs/weconnect-api.md#create-person (LB3): validation failures are 422 ValidationError with details.codes.
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

  function windowed(route: SimRoute, mine: readonly SimActivity[], query: URLSearchParams): SimReply {
    const window = windowOf(query);
    // docs/weconnect-api.md#dates-and-time-windows CHOICE: a missing or unparseable from/to is 400 "invalid date".
    if (!window) return lbError(400, "invalid date");
    const withEvents = mine.map((a) => ({ a, events: state.eventsOf(a, window) }));
    if (route.template.endsWith("/progress")) {
      // docs/weconnect-api.md#progress: total = occurrences starting in the window, completed = those checked in.
      const all = withEvents.flatMap((x) => x.events);
      return json({ events: { completed: all.filter((e) => e.didCheckin).length, total: all.length } });
    }
    // docs/weconnect-api.md#activities-with-events CHOICE: activities without an occurrence in the window are omitted.
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

  return function respond(route, request) {
    // docs/weconnect-api.md#simulator-checklist: unknown route → 404 LB3 body; the message names the path, never the query.
    const notFound = () =>
      lbError(404, `There is no method to handle ${request.method} ${request.pathname}`, "NOT_FOUND");
    if (!route) return notFound();
    try {
      if (route.template === "POST /api/People/login") return login(request);
      if (route.template === "POST /api/People") return createPerson(request);

      const token = state.authenticate(tokenOf(request) ?? "");
      // docs/weconnect-api.md#get-person CHOICE (LB3 $owner ACL): any id other than the token's userId is 401, like no token.
      if (!token || route.personId !== String(token.userId)) return authRequired();
      const person = state.people.get(token.userId);
      if (!person) return authRequired();
      const mine = state.activitiesOf(person.id); // docs/weconnect-api.md#list-activities CHOICE: ascending activityId

      switch (route.template) {
        case "GET /api/People/:id":
          return json(personJson(person));
        case "GET /api/People/:id/activities":
          return json(mine.map(activityJson));
        case "GET /api/People/:id/activities/progress":
        case "GET /api/People/:id/activities-with-events":
          return windowed(route, mine, request.query);
        default:
          return notFound();
      }
    } catch {
      return lbError(500, "Internal Server Error");
    }
  };
}
