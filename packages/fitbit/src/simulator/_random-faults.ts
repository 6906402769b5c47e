/**
 * Internal: random fault injection for the tracker and OAuth simulators, drawn from a seeded
 * generator so a soak run can be repeated. With no fault drawn, the request goes to the real
 * handler untouched, so the simulator stays true to docs/ when faults are off.
 */

/** What an injected fault does to one request. */
export type RandomFaultKind =
  /** 503 with the backend's error body (docs/google-health-api.md#retries, docs/fitbit-web-api.md#error-envelope). */
  | "5xx"
  /** 429 without `Retry-After`. */
  | "429"
  /** 429 with `Retry-After: <retryAfterSeconds>`. */
  | "429-retry-after"
  /** No answer: the request is held until the client gives up (or `hangMs`), then the socket is dropped. */
  | "timeout"
  /** The connection is destroyed without an answer. */
  | "reset"
  /** 502 with an HTML page, as a proxy or load balancer sends it. */
  | "html"
  /** 200 with truncated JSON. */
  | "malformed"
  /** 200 with well-formed JSON of the wrong shape (an array where an object is expected). */
  | "wrong-shape";

/** Every kind, the default of {@link RandomFaultOptions.kinds}. */
export const RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = ["5xx", "429", "429-retry-after", "timeout", "reset", "html", "malformed", "wrong-shape"];

/** Options of `setRandomFaults` (and of the simulators' `randomFaults` option). */
export interface RandomFaultOptions {
  /** Probability in [0, 1] that one request gets a fault. */
  rate: number;
  /** Kinds drawn uniformly. @default every kind */
  kinds?: readonly RandomFaultKind[];
  /** Seed of the generator: the same seed draws the same sequence of faults. @default 1 */
  seed?: number;
  /** Only requests whose path contains this string (or matches this pattern). @default every request */
  match?: string | RegExp;
  /** `Retry-After` seconds of the `429-retry-after` kind. @default 1 */
  retryAfterSeconds?: number;
  /** Longest a `timeout` fault holds a request whose client has not given up yet. @default 60_000 */
  hangMs?: number;
}

/** How many faults of each kind were injected so far. */
export type RandomFaultCounts = Record<RandomFaultKind, number>;

/** The error bodies of the backend a simulator imitates. */
export type FaultFlavor = "google" | "fitbit";

/** A drawn fault, resolved into what the server does. */
export type DrawnFault =
  | { kind: "timeout"; hangMs: number }
  | { kind: "reset" }
  | { kind: Exclude<RandomFaultKind, "timeout" | "reset">; status: number; headers: Record<string, string>; body: string };

/**
 * mulberry32: a 32-bit seeded generator. Written here rather than imported because it is a dozen
 * lines, and a library would be this package's only dependency for tests and soaks.
 */
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

const HTML_502 = `<!DOCTYPE html>
<html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>
<p><b>502.</b> <ins>That's an error.</ins>
<p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds. <ins>That's all we know.</ins>
`;

function errorBody(flavor: FaultFlavor, status: number, message: string): string {
  // docs/google-health-api.md#error-body (google.rpc.Status) and docs/fitbit-web-api.md#error-envelope.
  return flavor === "google"
    ? JSON.stringify({ error: { code: status, message, status: status === 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE" } })
    : JSON.stringify({ errors: [{ errorType: "system", fieldName: "n/a", message }], success: false });
}

/** Validates options. @throws RangeError naming the bad field and the allowed values. */
export function checkRandomFaultOptions(options: RandomFaultOptions): void {
  if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`randomFaults.rate must be a number from 0 to 1, got ${String(options.rate)}.`);
  for (const kind of options.kinds ?? []) {
    if (!RANDOM_FAULT_KINDS.includes(kind)) throw new RangeError(`randomFaults.kinds: unknown kind ${JSON.stringify(kind)}; use ${RANDOM_FAULT_KINDS.join(", ")}.`);
  }
  if (options.kinds !== undefined && options.kinds.length === 0) throw new RangeError("randomFaults.kinds must name at least one kind (or be omitted for all).");
}

/** A fault source: `draw(path)` returns a fault for that request, or null to serve it normally. */
export function createRandomFaults(flavor: FaultFlavor) {
  let options: RandomFaultOptions | null = null;
  let random = seededRandom(1);
  const counts = Object.fromEntries(RANDOM_FAULT_KINDS.map((k) => [k, 0])) as RandomFaultCounts;

  return {
    counts,
    /** Switch random faults on (or off with null); restarts the generator from the seed. */
    set(next: RandomFaultOptions | null): void {
      if (next) checkRandomFaultOptions(next);
      options = next && next.rate > 0 ? { ...next } : null;
      random = seededRandom(next?.seed ?? 1);
    },
    draw(path: string): DrawnFault | null {
      if (!options) return null;
      const { match } = options;
      if (match !== undefined && !(typeof match === "string" ? path.includes(match) : match.test(path))) return null;
      if (random() >= options.rate) return null;
      const kinds = options.kinds ?? RANDOM_FAULT_KINDS;
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      counts[kind] += 1;
      const json = { "content-type": "application/json; charset=UTF-8" };
      switch (kind) {
        case "timeout":
          return { kind, hangMs: options.hangMs ?? 60_000 };
        case "reset":
          return { kind };
        case "5xx":
          return { kind, status: 503, headers: json, body: errorBody(flavor, 503, "The service is currently unavailable.") };
        case "429":
          return { kind, status: 429, headers: json, body: errorBody(flavor, 429, "Too Many Requests") };
        case "429-retry-after":
          return { kind, status: 429, headers: { ...json, "retry-after": String(options.retryAfterSeconds ?? 1) }, body: errorBody(flavor, 429, "Too Many Requests") };
        case "html":
          return { kind, status: 502, headers: { "content-type": "text/html; charset=UTF-8" }, body: HTML_502 };
        case "malformed":
          return { kind, status: 200, headers: json, body: '{"done": true, "response": {"name": "users/me/dataTypes/exer' };
        case "wrong-shape":
          return { kind, status: 200, headers: json, body: '[{"unexpected":"shape"}]' };
      }
    },
  };
}
