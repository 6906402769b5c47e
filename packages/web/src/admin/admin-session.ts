import type { IncomingMessage } from "node:http";
import { resolveCoordinatorSession } from "@powertoken/core";
import type { Context, MiddlewareHandler } from "hono";
import type { WebDeps } from "../_deps.js";
import { clearCookie, readCookie, writeCookie } from "../security/cookies.js";
import { ADMIN, type AdminEnv } from "./admin-env.js";

/** The session cookie's base name (`__Host-pt_admin` on https). */
export const SESSION_COOKIE = "pt_admin";

/**
 * Stores the session token. SameSite=Strict: the sign-in form posts to us and redirects to us, a
 * same-site navigation, so Strict costs nothing there and keeps the cookie off every request a
 * foreign page starts (a link from a mail opens the sign-in page instead).
 */
export function setSessionCookie(c: Context, deps: WebDeps, token: string, expiresAt: Date): void {
  const seconds = Math.max(1, Math.floor((expiresAt.getTime() - deps.runtime.ctx.now().getTime()) / 1000));
  writeCookie(c, deps.cookies, SESSION_COOKIE, token, seconds, "Strict");
}

/** Removes the session cookie (sign-out, or a session the server no longer knows). */
export function clearSessionCookie(c: Context, deps: WebDeps): void {
  clearCookie(c, deps.cookies, SESSION_COOKIE);
}

/** The session token this request carries, if any. */
export function sessionTokenOf(c: Context, deps: WebDeps): string | undefined {
  return readCookie(c, deps.cookies, SESSION_COOKIE);
}

/**
 * Lets through only requests with a live session. Signed out: HTML pages redirect to the sign-in
 * page (returning here after), downloads and POSTs get a bare 401. Viewers get 403 on every POST.
 */
export function requireCoordinator(deps: WebDeps): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = sessionTokenOf(c, deps);
    const resolved = token ? await resolveCoordinatorSession(deps.runtime, token) : null;
    if (!resolved || !token) {
      if (token) clearSessionCookie(c, deps);
      const wantsPage = c.req.method === "GET" && !c.req.path.endsWith(".csv");
      if (!wantsPage) return c.text("Sign in first.", 401);
      const back = c.req.path + (new URL(c.req.url).search || "");
      return c.redirect(`${ADMIN}/signin?next=${encodeURIComponent(back)}`, 303);
    }
    if (c.req.method === "POST" && resolved.coordinator.role !== "admin") {
      deps.log.warn("web: a viewer's POST refused", { path: c.req.path, coordinatorId: resolved.coordinator.id });
      return c.text("Your account can view the dashboard but not change anything.", 403);
    }
    c.set("coordinator", resolved.coordinator);
    c.set("sessionToken", token);
    await next();
  };
}

/**
 * Only a path inside the dashboard may be a `next` target (no open redirect), and only printable
 * ASCII: every path we send to sign-in is percent-encoded, and a CR, LF or other character a
 * header cannot carry would make the redirect after a successful sign-in fail.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith(ADMIN) || next.startsWith("//") || next.includes("\\") || !/^[\x21-\x7e]+$/.test(next)) return ADMIN;
  return next;
}

/**
 * The client address for the per-address sign-in limit: the socket's; behind a trusted proxy the
 * last `X-Forwarded-For` entry, the one that proxy appended. Entries to its left come from the
 * client (or earlier hops) and can be anything, so keying on them let one client try without limit.
 * This assumes exactly one proxy of ours in front of the app.
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}
