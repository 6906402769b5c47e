import { silentLogger } from "@powertoken/core";
import { Hono } from "hono";
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
 * The participant web app: invite links (`/p/:token`), WEconnect sign-in, tracker consent
 * (`/oauth/callback`) and the status page; and the study team's dashboard under `/admin`
 * (coordinator sign-in, overview, participant pages, audit, errors, needs attention, CSV export).
 * CSRF checks on every POST, security headers and a script-free CSP on both. A Hono app: mount its `fetch` (or `toNodeListener(app)`) next to the daemon's routes.
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

  app.use(async (c, next) => {
    if (c.req.method !== "POST") return next();
    const body = await c.req.parseBody();
    if (!originAllowed(c, origin) || !csrfTokenValid(c, deps.cookies, deps.cookieKey, body[CSRF_FIELD])) {
      log.warn("web: POST refused by the CSRF check", { path: c.req.routePath });
      return c.html(<MessagePage {...frame} title="Please reload the page" lines={["This form was sent from a page that had expired, or from somewhere else. Nothing was changed.", "Go back, reload the page and try again."]} />, 403);
    }
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
