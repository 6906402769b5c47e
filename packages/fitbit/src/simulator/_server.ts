import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRandomFaults, type DrawnFault, type FaultFlavor, type RandomFaultCounts, type RandomFaultOptions } from "./_random-faults.js";

/** A simulator's request handler: Web Request in, Web Response out; no sockets. */
export type SimulatorHandler = (request: Request) => Promise<Response>;

/** One injected fault, consumed by the next matching requests. */
export interface FailNextOptions {
  /** HTTP status to answer with instead of the real handler (omit with `delayMs` for a slow real answer). */
  status?: number;
  /** How many requests it applies to. @default 1 */
  count?: number;
  /** Body to send: an object is JSON, a string is sent as is. Default: a google.rpc.Status-like JSON. */
  body?: unknown;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** Wait this long before answering (use with the client's `timeoutMs` to test timeouts). */
  delayMs?: number;
  /** Drop the connection without an answer (a NETWORK error for the client). */
  reset?: boolean;
  /** Only requests whose path contains this string (or matches this pattern). Default: any. */
  match?: string | RegExp;
}

/** One line of the requests log: no query string, no headers, no body, so never a token. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** A running simulator server. */
export interface SimulatorServer {
  url: string;
  failNext(fault: FailNextOptions): void;
  requests: LoggedRequest[];
  /** Random faults on a share of requests (seeded), or null to switch them off. */
  setRandomFaults(options: RandomFaultOptions | null): void;
  /** Random faults injected so far, by kind. */
  faultCounts: RandomFaultCounts;
  close(): Promise<void>;
}

/** Options of {@link serveSimulator}. */
export interface ServeOptions {
  port?: number;
  host?: string;
  /** Error bodies of random faults. @default "google" */
  flavor?: FaultFlavor;
  randomFaults?: RandomFaultOptions;
}

/** Serves `handler` on node:http, 127.0.0.1, port 0 (or `port`), with fault injection and a request log. */
export async function serveSimulator(handler: SimulatorHandler, options: ServeOptions = {}): Promise<SimulatorServer> {
  const faults: Array<FailNextOptions & { remaining: number }> = [];
  const random = createRandomFaults(options.flavor ?? "google");
  random.set(options.randomFaults ?? null);
  const requests: LoggedRequest[] = [];
  const host = options.host ?? "127.0.0.1";

  const takeFault = (path: string) => {
    const index = faults.findIndex((f) =>
      f.match === undefined ? true : typeof f.match === "string" ? path.includes(f.match) : f.match.test(path),
    );
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  };

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 500, message: "Simulator crashed.", status: "INTERNAL" } }));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", `http://${host}`);
    const log: LoggedRequest = { method, path: url.pathname, status: 0 };
    requests.push(log);

    const fault = takeFault(url.pathname);
    const drawn = fault ? null : random.draw(url.pathname);
    if (drawn) {
      await answerWithFault(drawn, req, res, log);
      return;
    }
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    let response: Response;
    if (fault?.status !== undefined) {
      const body =
        fault.body === undefined
          ? JSON.stringify({ error: { code: fault.status, message: "Injected fault.", status: "UNAVAILABLE" } })
          : typeof fault.body === "string"
            ? fault.body
            : JSON.stringify(fault.body);
      response = new Response(body, { status: fault.status, headers: { "content-type": "application/json", ...fault.headers } });
    } else {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(key, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      }
      const hasBody = method !== "GET" && method !== "HEAD" && chunks.length > 0;
      response = await handler(
        new Request(url, { method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }),
      );
    }
    log.status = response.status;
    const out: Record<string, string> = {};
    response.headers.forEach((value, key) => (out[key] = value));
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    failNext(fault) {
      faults.push({ ...fault, remaining: fault.count ?? 1 });
    },
    requests,
    setRandomFaults: (next) => random.set(next),
    faultCounts: random.counts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Answers one request with a drawn random fault; the real handler never sees it. */
async function answerWithFault(fault: DrawnFault, req: IncomingMessage, res: ServerResponse, log: LoggedRequest): Promise<void> {
  if (fault.kind === "timeout") {
    // Held until the client gives up (its socket closes) or hangMs passes, then dropped unanswered.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, fault.hangMs);
      res.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    req.socket.destroy();
    return;
  }
  if (fault.kind === "reset") {
    req.socket.destroy();
    return;
  }
  log.status = fault.status;
  res.writeHead(fault.status, { ...fault.headers, "content-length": Buffer.byteLength(fault.body) });
  res.end(fault.body);
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** The Bearer token of a request, or null. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match ? match[1]!.trim() : null;
}

/** Reads a form or JSON body into a plain record (Fitbit accepts query or form, docs/fitbit-web-api.md#conventions). */
export async function readParams(request: Request): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const out: Record<string, string> = Object.fromEntries(url.searchParams);
  const text = await request.text();
  if (text === "") return out;
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) out[key] = String(value);
  } else {
    for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  }
  return out;
}
