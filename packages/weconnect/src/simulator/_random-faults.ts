/**
 * Internal: random fault injection for the WEconnect simulator, drawn from a seeded generator so a
 * soak run can be repeated. With no fault drawn the request is served by the real responder, so
 * the simulator stays true to docs/weconnect-api.md when faults are off. (The tracker simulators in
 * @powertoken/fitbit have their own copy: packages never import each other, DEVELOPERS.md.)
 */
import { herokuHtml, lbError, type SimReply } from "./_loopback.js";

/** What an injected fault does to one request. */
export type WeconnectFaultKind =
  /** 503 with a LoopBack error body. */
  | "5xx"
  /** 429 without `Retry-After` (never seen live, docs/weconnect-api.md#errors). */
  | "429"
  /** 429 with `Retry-After: <retryAfterSeconds>`. */
  | "429-retry-after"
  /** No answer: held until the client gives up (or `hangMs`), then the socket is dropped. */
  | "timeout"
  /** The connection is destroyed without an answer. */
  | "reset"
  /** Heroku's HTML "Application Error" page with a 503 (docs/weconnect-api.md#errors). */
  | "html"
  /** 200 with truncated JSON. */
  | "malformed"
  /** 200 with well-formed JSON of the wrong shape (an object where a list is expected, and the reverse). */
  | "wrong-shape"
  /** The next `burstLength` authenticated requests answer 401 AUTHORIZATION_REQUIRED though the tokens are valid (a proxy hiccup). */
  | "401-burst";

/** Every kind, the default of {@link WeconnectRandomFaultOptions.kinds}. */
export const WECONNECT_FAULT_KINDS: readonly WeconnectFaultKind[] = ["5xx", "429", "429-retry-after", "timeout", "reset", "html", "malformed", "wrong-shape", "401-burst"];

/** Options of `setRandomFaults` (and of the simulator's `randomFaults` option). */
export interface WeconnectRandomFaultOptions {
  /** Probability in [0, 1] that one request gets a fault (a 401 burst counts once, when it starts). */
  rate: number;
  /** Kinds drawn uniformly. @default every kind */
  kinds?: readonly WeconnectFaultKind[];
  /** Seed of the generator: the same seed draws the same sequence of faults. @default 1 */
  seed?: number;
  /** `Retry-After` seconds of the `429-retry-after` kind. @default 1 */
  retryAfterSeconds?: number;
  /** Longest a `timeout` fault holds a request whose client has not given up yet. @default 60_000 */
  hangMs?: number;
  /** Requests a `401-burst` answers with 401. @default 10 */
  burstLength?: number;
}

/** Faults injected so far, by kind (a 401 burst counts once). */
export type WeconnectFaultCounts = Record<WeconnectFaultKind, number>;

/** A drawn fault, resolved into what the server does. */
export type DrawnWeconnectFault = { kind: "timeout"; hangMs: number } | { kind: "reset" } | { kind: WeconnectFaultKind; reply: SimReply };

/** mulberry32, a 32-bit seeded generator: a dozen lines, not worth a dependency. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** @throws RangeError naming the bad field and the allowed values. */
function check(options: WeconnectRandomFaultOptions): void {
  if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`randomFaults.rate must be a number from 0 to 1, got ${String(options.rate)}.`);
  if (options.kinds !== undefined && options.kinds.length === 0) throw new RangeError("randomFaults.kinds must name at least one kind (or be omitted for all).");
  for (const kind of options.kinds ?? []) {
    if (!WECONNECT_FAULT_KINDS.includes(kind)) throw new RangeError(`randomFaults.kinds: unknown kind ${JSON.stringify(kind)}; use ${WECONNECT_FAULT_KINDS.join(", ")}.`);
  }
}

/**
 * A fault source: `draw(template)` returns a fault for one request (by its route template, e.g.
 * `GET /api/People/:id/activities`), or null to serve it normally.
 */
export function createWeconnectRandomFaults() {
  let options: WeconnectRandomFaultOptions | null = null;
  let random = seededRandom(1);
  let burstLeft = 0;
  const counts = Object.fromEntries(WECONNECT_FAULT_KINDS.map((k) => [k, 0])) as WeconnectFaultCounts;
  const unauthorized = () => lbError(401, "Authorization Required", "AUTHORIZATION_REQUIRED");

  return {
    counts,
    /** Switch random faults on (or off with null); restarts the generator from the seed and ends a burst. */
    set(next: WeconnectRandomFaultOptions | null): void {
      if (next) check(next);
      options = next && next.rate > 0 ? { ...next } : null;
      random = seededRandom(next?.seed ?? 1);
      burstLeft = 0;
    },
    draw(template: string | undefined): DrawnWeconnectFault | null {
      if (!options) return null;
      // A burst hits calls that carry a token (docs/weconnect-api.md#authentication), not the login.
      const authenticated = template !== undefined && template.startsWith("GET ");
      if (burstLeft > 0 && authenticated) {
        burstLeft -= 1;
        return { kind: "401-burst", reply: unauthorized() };
      }
      if (random() >= options.rate) return null;
      const kinds = options.kinds ?? WECONNECT_FAULT_KINDS;
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      counts[kind] += 1;
      switch (kind) {
        case "timeout":
          return { kind, hangMs: options.hangMs ?? 60_000 };
        case "reset":
          return { kind };
        case "5xx":
          return { kind, reply: lbError(503, "Service Unavailable") };
        case "429":
          return { kind, reply: lbError(429, "Too Many Requests") };
        case "429-retry-after": {
          const reply = lbError(429, "Too Many Requests");
          reply.headers["retry-after"] = String(options.retryAfterSeconds ?? 1);
          return { kind, reply };
        }
        case "html":
          return { kind, reply: herokuHtml(503) };
        case "malformed":
          return { kind, reply: { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: '[{"activityId": 4211, "name": "Morn' } };
        case "wrong-shape": {
          // Lists answer an object and objects a list, so no schema can take it for the real answer.
          const list = template !== undefined && /activities(-with-events)?$/.test(template);
          return { kind, reply: { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: list ? '{"unexpected":"shape"}' : '[{"unexpected":"shape"}]' } };
        }
        case "401-burst": {
          const length = options.burstLength ?? 10;
          if (!authenticated) {
            burstLeft = length; // a login is answered normally; the burst starts with the next call
            return null;
          }
          burstLeft = length - 1;
          return { kind, reply: unauthorized() };
        }
      }
    },
  };
}
