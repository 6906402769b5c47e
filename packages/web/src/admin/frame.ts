import type { Context } from "hono";
import type { WebDeps } from "../_deps.js";
import { csrfTokenFor } from "../security/csrf.js";
import type { AdminEnv } from "./admin-env.js";
import type { AdminFrame } from "./admin-layout.js";

/** The frame of a signed-in page: study name, coordinator, this browser's CSRF token. */
export function frameOf(c: Context<AdminEnv>, deps: WebDeps): AdminFrame {
  return { studyName: deps.frame.studyName, coordinator: c.get("coordinator"), csrfToken: csrfTokenFor(c, deps.cookies, deps.cookieKey) };
}
