import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { responseOverBytes } from "./read-response.js";

/** Options of {@link createNodeHttpFetch}. */
export interface NodeHttpFetchOptions {
  /** Sockets kept open per host, for reuse between requests. @default 256 */
  maxSockets?: number;
}

/** A `fetch` over node:http, with `close()` to end its kept-alive sockets. */
export type NodeHttpFetch = typeof globalThis.fetch & { close(): void };

/**
 * A lean `fetch` for the API clients (issue 17): the same request and `Response` shapes ofetch
 * needs, sent with node:http(s) over kept-alive sockets and answered with the whole body read,
 * skipping undici's fetch machinery (web streams, resource timing, per-request AbortSignal
 * plumbing), which was about half of a maintenance run's CPU. An aborted `signal` rejects with
 * its reason (a timeout stays a `TimeoutError`); a socket failure rejects with
 * `TypeError("fetch failed")` carrying the system error (its `code`) as `cause`, like Node's
 * fetch, so the clients classify both the same way. Request bodies: strings, URLSearchParams
 * (sent as a form) and bytes.
 * @example const runtime = await createRuntime(config, { fetch: createNodeHttpFetch() });
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): NodeHttpFetch {
  const maxSockets = options.maxSockets ?? 256;
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets }), https: new HttpsAgent({ keepAlive: true, maxSockets }) };

  const leanFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== "string" && !(input instanceof URL)) return Promise.reject(new TypeError("createNodeHttpFetch takes a URL, not a Request."));
    const url = typeof input === "string" ? new URL(input) : input;
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const secure = url.protocol === "https:";
    const send = secure ? httpsRequest : httpRequest;
    const headers = headersOf(init.headers);
    const body = bodyOf(init.body ?? undefined, headers);
    if (body instanceof TypeError) return Promise.reject(body);

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      };
      const onAbort = () => {
        req.destroy();
        fail(signal?.reason);
      };
      const req = send(
        {
          agent: secure ? agents.https : agents.http,
          method: init.method ?? "GET",
          hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port === "" ? undefined : Number(url.port),
          path: `${url.pathname}${url.search}`,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
          res.on("end", () => {
            if (settled) return;
            settled = true;
            signal?.removeEventListener("abort", onAbort);
            resolve(responseOf(res, chunks));
          });
        },
      );
      req.on("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
      signal?.addEventListener("abort", onAbort, { once: true });
      req.end(body);
    });
  };
  return Object.assign(leanFetch as typeof globalThis.fetch, {
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}

/**
 * The bodies our clients send: strings (the API clients' JSON and forms), URLSearchParams (the
 * OAuth token and revocation requests, through oauth4webapi) and bytes. A form gets fetch's
 * content type when none is set, as Node's fetch does. Anything else (a stream, a FormData) is refused.
 */
function bodyOf(body: RequestInit["body"] | undefined, headers: Record<string, string>): string | Uint8Array | undefined | TypeError {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) {
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new TypeError("createNodeHttpFetch sends strings, URLSearchParams and bytes only.");
}

function headersOf(init: RequestInit["headers"]): Record<string, string> {
  if (init === undefined) return {};
  if (init instanceof Headers) return Object.fromEntries(init.entries());
  if (Array.isArray(init)) return Object.fromEntries(init);
  return { ...(init as Record<string, string>) };
}

/** The whole reply as a `Response`; a status that forbids a body gets none. */
function responseOf(res: IncomingMessage, chunks: Buffer[]): Response {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const noBody = status === 204 || status === 205 || status === 304;
  const init = { status, statusText: res.statusMessage ?? "", headers };
  return noBody ? new Response(null, init) : responseOverBytes(Buffer.concat(chunks), init);
}
