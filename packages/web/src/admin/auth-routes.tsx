import { isCoreError, signInCoordinator, signOutCoordinator } from "@powertoken/core";
import type { Hono } from "hono";
import { z } from "zod";
import type { WebDeps } from "../_deps.js";
import { csrfTokenFor } from "../security/csrf.js";
import type { AdminEnv } from "./admin-env.js";
import { ADMIN } from "./admin-env.js";
import { clearSessionCookie, clientAddress, safeNext, sessionTokenOf, setSessionCookie } from "./admin-session.js";
import { CoordinatorSigninPage } from "./pages/signin-page.js";

const SigninForm = z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(200) });

/** Sign-in (GET form, POST check) and sign-out; these need no session. */
export function addAuthRoutes(admin: Hono<AdminEnv>, deps: WebDeps): void {
  const { runtime, log } = deps;
  const studyName = deps.frame.studyName;

  admin.get("/signin", (c) => {
    const next = safeNext(c.req.query("next"));
    return c.html(<CoordinatorSigninPage studyName={studyName} csrfToken={csrfTokenFor(c, deps.cookies, deps.cookieKey)} next={next} email="" />);
  });

  admin.post("/signin", async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(typeof body.next === "string" ? body.next : undefined);
    const email = typeof body.email === "string" ? body.email.slice(0, 200) : "";
    const again = (error: string, status: 400 | 401 | 429) =>
      c.html(<CoordinatorSigninPage studyName={studyName} csrfToken={csrfTokenFor(c, deps.cookies, deps.cookieKey)} next={next} email={email} error={error} />, status);
    const form = SigninForm.safeParse(body);
    if (!form.success) return again("Enter your e-mail and password.", 400);
    try {
      const signedIn = await signInCoordinator(runtime, { email: form.data.email, password: form.data.password, address: clientAddress(c, deps.trustProxy) });
      setSessionCookie(c, deps, signedIn.sessionToken, signedIn.expiresAt);
      log.info("web: coordinator signed in", { coordinatorId: signedIn.coordinator.id });
      return c.redirect(next, 303);
    } catch (error) {
      if (!isCoreError(error)) throw error;
      switch (error.code) {
        case "SIGNIN_REJECTED":
          log.warn("web: coordinator sign-in rejected");
          return again("That e-mail and password do not match an account.", 401);
        case "SIGNIN_LOCKED": {
          const at = error.retryAt ?? new Date(runtime.ctx.now().getTime() + 15 * 60_000);
          const seconds = Math.max(1, Math.ceil((at.getTime() - runtime.ctx.now().getTime()) / 1000));
          log.warn("web: coordinator sign-in locked");
          c.header("Retry-After", String(seconds));
          return again(`Too many failed sign-ins. Try again after ${at.toISOString().slice(11, 16)} UTC (in ${Math.ceil(seconds / 60)} min).`, 429);
        }
        default:
          throw error;
      }
    }
  });

  admin.post("/signout", async (c) => {
    const token = sessionTokenOf(c, deps);
    if (token) await signOutCoordinator(runtime, token);
    clearSessionCookie(c, deps);
    return c.redirect(`${ADMIN}/signin`, 303);
  });
}
