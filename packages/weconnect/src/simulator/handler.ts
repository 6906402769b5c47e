import { createResponder, type ResponderOptions } from "./_respond.js";
import { matchRoute } from "./routes.js";
import type { WeconnectSimState } from "./state.js";

/** Options of {@link createWeconnectHandler}: `headerTokens` (UNDOCUMENTED for WEconnect, docs/weconnect-api.md#authentication). */
export type WeconnectHandlerOptions = ResponderOptions;

/**
 * The simulated WEconnect API as a function from `Request` to `Response`; no sockets. Routes live
 * under `/api` (docs/weconnect-api.md#base-url-and-transport), so a server's base URL is `http://host:port/api`. For embedding in
 * a Web-standard server; `startWeconnectSimulator` answers through node:http directly instead.
 */
export function createWeconnectHandler(
  state: WeconnectSimState,
  options: WeconnectHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const respond = createResponder(state, options);
  return async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = matchRoute(request.method, url.pathname);
    const body = route?.template.startsWith("POST ") ? await request.text() : "";
    const reply = respond(route, {
      method: request.method,
      pathname: url.pathname,
      query: url.searchParams,
      header: (name) => request.headers.get(name) ?? undefined,
      body,
    });
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };
}
