import { silentLogger } from "@powertoken/core";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cookieKeyFor } from "./_cookie-key.js";
import { ADMIN } from "./admin/admin-env.js";
import { createAdminApp } from "./admin/admin-app.js";
import type { WebDeps } from "./_deps.js";
import type { WebAppOptions } from "./options.js";
import { MessagePage } from "./pages/message-page.js";
import { addInviteRoutes } from "./routes/invite-routes.js";
import { addOAuthCallback } from "./routes/oauth-callback.js";
import { CSRF_FIELD, csrfTokenValid, originAllowed } from "./security/csrf.js";
import { securityHeaders } from "./security/headers.js";
import { STYLESHEET } from "./style.js";

/**
 * The largest POST body the app reads. Its biggest form is the coordinator sign-in: e-mail and
 * password of at most 200 characters, the CSRF token, and a `next` path no longer than the URL it
 * came in (Node allows 16 KB of request headers). Percent-encoded that is about 30 KB at worst;
 * every other form is under 1 KB. 64 KB leaves room and still bounds what one request can cost.
 */
export const MAX_FORM_BYTES = 64 * 1024;

/**
 * The participant web app: invite links (`/p/:token`), WEconnect sign-in, tracker consent
 * (`/oauth/callback`) and the status page; and the study team's dashboard under `/admin`
 * (coordinator sign-in, overview, participant pages, audit, errors, needs attention, CSV export).
 * Origin, size (413 over {@link MAX_FORM_BYTES}) and CSRF checks on every POST, security headers and a script-free CSP on both. A Hono app: mount its `fetch` (or `toNodeListener(app)`) next to the daemon's routes.
 * @example
 * const app = createWebApp({ runtime, publicUrl: "https://study.example.org", studyName: "PowerToken pilot", contact: "study@example.org" });
 * const response = await app.fetch(request);
 */
export function createWebApp(options: WebAppOptions): Hono {
  const publicUrl = options.publicUrl.replace(/\/+$/, "");
  const origin = new URL(publicUrl).origin;
  const https = origin.startsWith("https:");
  const deps: WebDeps = {
    runtime: options.runtime,
    frame: { studyName: options.studyName, contact: options.contact },
    publicUrl,
    publicOrigin: origin,
    cookies: { secure: https },
    cookieKey: cookieKeyFor(options.runtime, options.cookieKey),
    log: options.log ?? silentLogger,
    consentBackend: options.consentBackend ?? "google-health",
    trustProxy: options.trustProxy ?? false,
  };
  const { frame, log } = deps;
  const app = new Hono();
  app.use(securityHeaders({ https }));

  const refused = (c: Context) => {
    log.warn("web: POST refused by the CSRF check", { path: c.req.routePath });
    return c.html(<MessagePage {...frame} title="Please reload the page" lines={["This form was sent from a page that had expired, or from somewhere else. Nothing was changed.", "Go back, reload the page and try again."]} />, 403);
  };
  // Three steps, cheapest first, so that a foreign or oversized POST costs us no memory and never
  // reaches a route (where it could use up one of a link's sign-in attempts):
  // 1. the Origin header, before a byte of the body is read;
  app.use(async (c, next) => {
    if (c.req.method === "POST" && !originAllowed(c, origin)) return refused(c);
    return next();
  });
  // 2. the body's size: a declared Content-Length over the limit is refused unread, a chunked body
  //    is counted as it streams and cut off at the limit (the node listener then drains or closes);
  app.on(
    "POST",
    "*",
    bodyLimit({
      maxSize: MAX_FORM_BYTES,
      onError: (c) => {
        log.warn("web: POST refused: body over the limit", { limitBytes: MAX_FORM_BYTES });
        return c.html(<MessagePage {...frame} title="This form was too large" lines={["What was sent is larger than any form on this site, so it was not read. Nothing was changed.", "Go back, reload the page and try again."]} />, 413);
      },
    }),
  );
  // 3. the CSRF token, which needs the (now bounded) body parsed; routes reuse the parsed body.
  app.use(async (c, next) => {
    if (c.req.method !== "POST") return next();
    const body = await c.req.parseBody();
    if (!csrfTokenValid(c, deps.cookies, deps.cookieKey, body[CSRF_FIELD])) return refused(c);
    return next();
  });

  app.get("/assets/style.css", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  addInviteRoutes(app, deps);
  addOAuthCallback(app, deps);
  app.route(ADMIN, createAdminApp(deps));

  app.notFound((c) => c.html(<MessagePage {...frame} title="Page not found" lines={["There is no page at this address."]} />, 404));
  app.onError((error, c) => {
    // Name and code only: a message could quote input, and input may be a password.
    log.error("web: request failed", { path: c.req.routePath, error: error.name, code: (error as { code?: unknown }).code });
    return c.html(<MessagePage {...frame} title="Something went wrong" lines={[`Something went wrong on our side. Please try again later, or contact ${frame.contact}.`]} />, 500);
  });
  return app;
}
