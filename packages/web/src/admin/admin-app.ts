import { Hono } from "hono";
import type { WebDeps } from "../_deps.js";
import type { AdminEnv } from "./admin-env.js";
import { requireCoordinator } from "./admin-session.js";
import { addAuthRoutes } from "./auth-routes.js";
import { addDashboardRoutes } from "./dashboard-routes.js";
import { addExportRoute } from "./export-route.js";
import { addParticipantRoutes } from "./participant-routes.js";

/** The study team's dashboard, to mount under `/admin`: sign-in and sign-out open, the rest behind a session. */
export function createAdminApp(deps: WebDeps): Hono<AdminEnv> {
  const admin = new Hono<AdminEnv>();
  addAuthRoutes(admin, deps);
  admin.use("*", requireCoordinator(deps));
  addDashboardRoutes(admin, deps);
  addParticipantRoutes(admin, deps);
  addExportRoute(admin, deps);
  return admin;
}
