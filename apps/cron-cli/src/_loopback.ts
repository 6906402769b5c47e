import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError } from "./_errors.js";

/** A one-shot HTTP server on the loopback interface that receives the OAuth redirect. */
export interface CallbackServer {
  /** The redirect URI to send to the provider (with the real port when `:0` was configured). */
  redirectUri: string;
  /** Resolves with the callback's query string once a request with the right `state` arrives. */
  callback: Promise<string>;
  close(): Promise<void>;
}

const PAGE = (title: string, body: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;max-width:32em;margin:4em auto"><h1>${title}</h1><p>${body}</p></body>`;

/** True for a redirect URI this process can listen on itself (127.0.0.1, ::1, localhost). */
export function isLoopbackUri(uri: string): boolean {
  const { protocol, hostname } = new URL(uri);
  return protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
}

/**
 * Listens on the redirect URI's host and port (port 0: a random free one). `expectedState` is
 * asked per request (the consent, and so its state, is made once the port is known). Requests whose
 * `state` does not match get 400 and are ignored, so a forged redirect cannot complete the link.
 */
export async function startCallbackServer(options: { redirectUri: string; expectedState: () => string }): Promise<CallbackServer> {
  const configured = new URL(options.redirectUri);
  const host = configured.hostname === "localhost" ? "127.0.0.1" : configured.hostname.replace(/^\[|\]$/g, "");
  let resolveCallback!: (url: string) => void;
  const callback = new Promise<string>((resolve) => (resolveCallback = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    if (url.pathname !== configured.pathname) {
      res.writeHead(404).end();
      return;
    }
    if (url.searchParams.get("state") !== options.expectedState()) {
      res.writeHead(400, { "content-type": "text/html" }).end(PAGE("Link not accepted", "This sign-in link does not belong to the running connection. Start `powertoken connect tracker` again."));
      return;
    }
    const denied = url.searchParams.get("error");
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(denied ? PAGE("Not connected", "Access was not granted. You can close this window.") : PAGE("Connected", "PowerToken received the permission. You can close this window."));
    resolveCallback(url.search);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new CliError("OAUTH_FAILED", `Cannot listen on ${host}:${configured.port || 0} for the OAuth redirect (${error.code ?? error.message}). Free the port or change the redirectUri.`)),
    );
    server.listen(Number(configured.port || 0), host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const redirect = new URL(options.redirectUri);
  redirect.port = String(port);
  return {
    redirectUri: redirect.toString(),
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
