import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { herokuHtml, lbError, type SimReply } from "./_loopback.js";
import { createResponder } from "./_respond.js";
import { createWeconnectRandomFaults, type WeconnectFaultCounts, type WeconnectRandomFaultOptions } from "./_random-faults.js";
import { matchRoute } from "./routes.js";
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
  /** Token lifetime in seconds. @default 7_776_000 (90 days, docs/weconnect-api.md#authentication CHOICE) */
  ttlSeconds?: number;
  /** Clock; inject to fast-forward days. @default () => new Date() */
  now?: () => Date;
  /** Accept tokens in headers too (UNDOCUMENTED for WEconnect, docs/weconnect-api.md#authentication). @default false */
  headerTokens?: boolean;
  /** Random faults on a share of requests, seeded (README "Fault injection"). Off by default. */
  randomFaults?: WeconnectRandomFaultOptions;
}

/** A fault for the next `count` requests (docs/weconnect-api.md#simulator-checklist). */
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
  /** Switch random faults on (seeded) or off (null) at run time. */
  setRandomFaults(options: WeconnectRandomFaultOptions | null): void;
  /** Random faults injected so far, by kind. */
  readonly faultCounts: WeconnectFaultCounts;
  /** Delay every response by `ms` (0 to stop). */
  setDelay(ms: number): void;
  readonly requests: SimRequestLogEntry[];
  close(): Promise<void>;
}

/** The body of a POST, as text; GETs are answered without waiting for one. */
async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, reply: SimReply): void {
  res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

function faultReply(fault: FailNextOptions): SimReply {
  const status = fault.status ?? 200;
  let reply: SimReply;
  if (fault.body === "html") reply = herokuHtml(status);
  else if (fault.body === "malformed") {
    reply = {
      status,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: '[{"activityId": 4211, "name": "Morning',
    };
  } else reply = lbError(status, status === 429 ? "Too Many Requests" : "Simulated failure", "SIMULATED");
  if (fault.retryAfter !== undefined) reply.headers["retry-after"] = String(fault.retryAfter);
  return reply;
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
  // Plain node:http in and out: no Web Request/Response per call (issue 14).
  const respond = createResponder(state, { headerTokens: options.headerTokens });
  const faults: FailNextOptions[] = [];
  const requests: SimRequestLogEntry[] = [];
  const random = createWeconnectRandomFaults();
  random.set(options.randomFaults ?? null);
  let delayMs = 0;
  const host = options.host ?? "127.0.0.1";

  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? "GET";
      const target = req.url ?? "/";
      const q = target.indexOf("?");
      const pathname = q < 0 ? target : target.slice(0, q);
      const route = matchRoute(method, pathname);
      const path = route?.template.slice(method.length + 1) ?? pathname.slice(0, 200);
      const fault = faults[0];
      if (fault && (fault.count = (fault.count ?? 1) - 1) <= 0) faults.shift();
      const wait = (fault?.delayMs ?? 0) + delayMs;
      if (wait > 0) await delay(wait);
      const drawn = fault ? null : random.draw(route?.template);
      if (drawn?.kind === "timeout" && "hangMs" in drawn) {
        // Held until the client gives up (its socket closes) or hangMs passes, then dropped.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, drawn.hangMs);
          res.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (drawn && !("reply" in drawn)) {
        requests.push({ method, path, status: 0 });
        req.socket.destroy();
        return;
      }
      if (fault?.reset) {
        requests.push({ method, path, status: 0 });
        req.socket.destroy();
        return;
      }
      let reply: SimReply;
      if (fault && (fault.status !== undefined || fault.body !== undefined)) {
        req.resume();
        reply = faultReply(fault);
      } else if (drawn) {
        req.resume();
        reply = drawn.reply;
      } else {
        const body = route?.template.startsWith("POST ") ? await readText(req) : (req.resume(), "");
        reply = respond(route, {
          method,
          pathname,
          query: new URLSearchParams(q < 0 ? "" : target.slice(q + 1)),
          header: (name) => {
            const value = req.headers[name];
            return Array.isArray(value) ? value.join(", ") : value;
          },
          body,
        });
      }
      requests.push({ method, path, status: reply.status });
      if (!res.destroyed) send(res, reply);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/api`,
    state,
    requests,
    setRandomFaults(next) {
      random.set(next);
    },
    faultCounts: random.counts,
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
