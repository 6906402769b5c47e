import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DaemonError } from "./errors.js";
import type { DaemonMetrics } from "./metrics.js";
import type { Readiness } from "./readiness.js";

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  metrics: DaemonMetrics;
  readiness: Readiness;
  /**
   * Every other path (the participant pages and the dashboard of `@powertoken/web`, through its
   * `toNodeListener`). Without it those paths answer 404.
   */
  web?: RequestListener;
}

/** The running health/metrics server. */
export interface HttpServer {
  /** e.g. `http://127.0.0.1:9464`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serve `/healthz` (200 while the process runs), `/readyz` (200 or 503 with the checks as JSON)
 * and `/metrics` (Prometheus text), GET and HEAD only; hand every other path to `options.web`.
 * @throws DaemonError HTTP_LISTEN_FAILED when the port cannot be bound
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((request, response) => {
    handle(request, response, options).catch(() => {
      if (!response.headersSent) send(response, 500, "application/json", JSON.stringify({ error: "internal error" }));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause: NodeJS.ErrnoException) => reject(listenError(host, options.port, cause)));
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * HTTP_LISTEN_FAILED with the setting to change: only a taken port is fixed by another port; an
 * address this machine does not have (or cannot resolve) is daemon.httpHost's, and a port below
 * 1024 needs privileges the daemon's unit does not grant.
 */
function listenError(host: string, port: number, cause: NodeJS.ErrnoException): DaemonError {
  const code = cause.code ?? "error";
  const at = `Cannot listen on ${host}:${port} (${code}).`;
  if (code === "EADDRINUSE") return new DaemonError("HTTP_LISTEN_FAILED", `${at} Another process uses that port: set daemon.httpPort (POWERTOKEN_HTTP_PORT) to a free port.`, { key: "daemon.httpPort", cause });
  if (code === "EACCES" && port > 0 && port < 1024) {
    return new DaemonError("HTTP_LISTEN_FAILED", `${at} Ports below 1024 need privileges the daemon should not have: set daemon.httpPort (POWERTOKEN_HTTP_PORT) to 1024 or above and put a proxy in front.`, { key: "daemon.httpPort", cause });
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EACCES" || code === "EAFNOSUPPORT") {
    return new DaemonError("HTTP_LISTEN_FAILED", `${at} ${host} is not an address of this machine: set daemon.httpHost (POWERTOKEN_HTTP_HOST) to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0.`, { key: "daemon.httpHost", cause });
  }
  return new DaemonError("HTTP_LISTEN_FAILED", `${at} Check daemon.httpHost (POWERTOKEN_HTTP_HOST) and daemon.httpPort (POWERTOKEN_HTTP_PORT).`, { key: "daemon.httpHost", cause });
}

const OWN_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

async function handle(request: IncomingMessage, response: ServerResponse, options: HttpServerOptions): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  // The pages take their own methods (forms POST); only the three probes are GET/HEAD-only.
  if (!OWN_PATHS.has(path) && options.web !== undefined) return options.web(request, response);
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return send(response, 405, "application/json", JSON.stringify({ error: "method not allowed" }));
  }
  switch (path) {
    case "/healthz":
      return send(response, 200, "application/json", JSON.stringify({ status: "ok" }));
    case "/readyz": {
      const report = await options.readiness.check();
      return send(response, report.ready ? 200 : 503, "application/json", JSON.stringify(report));
    }
    case "/metrics": {
      const { contentType, body } = await options.metrics.render();
      return send(response, 200, contentType, body);
    }
    default:
      return send(response, 404, "application/json", JSON.stringify({ error: "not found", endpoints: ["/healthz", "/readyz", "/metrics"] }));
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(response.req.method === "HEAD" ? undefined : body);
}
