import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { createWeconnectHandler } from "./handler.js";
import { herokuHtml, lbError } from "./_loopback.js";
import { matchRoute } from "./handler.js";
import { applyScenario, loadScenario, parseScenario, type ScenarioInput } from "./scenario.js";
import { createWeconnectState, type WeconnectSimState } from "./state.js";

/** Options of {@link startWeconnectSimulator}. */
export interface WeconnectSimulatorOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** In-memory scenario to load (same format as a scenario file). */
  seed?: ScenarioInput;
  /** Path of a scenario JSON file to load (after `seed`). */
  scenario?: string;
  /** Token lifetime in seconds. @default 7_776_000 (90 days, reference §2 CHOICE) */
  ttlSeconds?: number;
  /** Clock; inject to fast-forward days. @default () => new Date() */
  now?: () => Date;
  /** Accept tokens in headers too (UNDOCUMENTED for WEconnect, §2). @default false */
  headerTokens?: boolean;
}

/** A fault for the next `count` requests (§7.9). */
export interface FailNextOptions {
  /** Answer with this status instead of handling the request. Omit to only delay or reset. */
  status?: number;
  /** How many requests the fault applies to. @default 1 */
  count?: number;
  /**
   * `json`: a LoopBack error body; `html`: Heroku's "Application Error" page; `malformed`: a
   * truncated JSON body (with status 200 unless given). @default "json"
   */
  body?: "json" | "html" | "malformed";
  /** Wait this long before answering (use more than the client's timeout to test it). */
  delayMs?: number;
  /** Destroy the connection without a response. */
  reset?: boolean;
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: string | number;
}

/** One served request: method + path template + status, never the query string or token. */
export interface SimRequestLogEntry {
  method: string;
  /** e.g. `GET /api/People/:id/activities`; an unmatched path is logged without its query. */
  path: string;
  /** 0 when the connection was reset. */
  status: number;
}

/** A running simulator. */
export interface WeconnectSimulator {
  /** Base URL including `/api`, e.g. `http://127.0.0.1:40123/api`: pass it as the client's `baseUrl`. */
  url: string;
  state: WeconnectSimState;
  failNext(options: FailNextOptions): void;
  /** Delay every response by `ms` (0 to stop). */
  setDelay(ms: number): void;
  readonly requests: SimRequestLogEntry[];
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const item of v) headers.append(k, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && chunks.length > 0;
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method ?? "GET",
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  res.end(Buffer.from(await response.arrayBuffer()));
}

function faultResponse(fault: FailNextOptions): Response {
  const status = fault.status ?? 200;
  let response: Response;
  if (fault.body === "html") response = herokuHtml(status);
  else if (fault.body === "malformed") {
    response = new Response('[{"activityId": 4211, "name": "Morning', {
      status,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  } else response = lbError(status, status === 429 ? "Too Many Requests" : "Simulated failure", "SIMULATED");
  if (fault.retryAfter !== undefined) response.headers.set("retry-after", String(fault.retryAfter));
  return response;
}

/**
 * Start the WEconnect simulator on a loopback port.
 * @example
 * const sim = await startWeconnectSimulator({ seed: { people: [{ email: "a@x.org", password: "pw" }] } });
 * const client = createWeconnectClient({ baseUrl: sim.url });
 * await sim.close();
 */
export async function startWeconnectSimulator(options: WeconnectSimulatorOptions = {}): Promise<WeconnectSimulator> {
  const state = createWeconnectState({ now: options.now, ttlSeconds: options.ttlSeconds });
  if (options.seed) applyScenario(state, parseScenario(options.seed, "seed"));
  if (options.scenario) applyScenario(state, await loadScenario(options.scenario));
  const handle = createWeconnectHandler(state, { headerTokens: options.headerTokens });
  const faults: FailNextOptions[] = [];
  const requests: SimRequestLogEntry[] = [];
  let delayMs = 0;
  const host = options.host ?? "127.0.0.1";
  let origin = "";

  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? "GET";
      const pathname = (req.url ?? "/").split("?")[0] ?? "/";
      const path = matchRoute(method, pathname)?.template.slice(method.length + 1) ?? pathname.slice(0, 200);
      const fault = faults[0];
      if (fault && (fault.count = (fault.count ?? 1) - 1) <= 0) faults.shift();
      const wait = (fault?.delayMs ?? 0) + delayMs;
      if (wait > 0) await delay(wait);
      if (fault?.reset) {
        requests.push({ method, path, status: 0 });
        req.socket.destroy();
        return;
      }
      let response: Response;
      if (fault && (fault.status !== undefined || fault.body !== undefined)) {
        req.resume();
        response = faultResponse(fault);
      } else {
        response = await handle(await toRequest(req, origin));
      }
      requests.push({ method, path, status: response.status });
      if (!res.destroyed) await send(res, response);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/api`,
    state,
    requests,
    failNext(fault) {
      faults.push({ ...fault, count: fault.count ?? 1 });
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
