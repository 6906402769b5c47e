import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";

/**
 * A `node:http` request handler for the app, for a server that serves other paths itself:
 * `if (!ownPath) webListener(req, res)`.
 */
export function toNodeListener(app: Hono): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return getRequestListener(app.fetch);
}
