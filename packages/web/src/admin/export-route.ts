import { exportDays, isCoreError, localDateIn } from "@powertoken/core";
import type { Hono } from "hono";
import { stream } from "hono/streaming";
import type { WebDeps } from "../_deps.js";
import type { AdminEnv } from "./admin-env.js";
import { dayOf, idOf } from "./query.js";

/**
 * `GET /admin/export.csv?since=…&until=…[&participant=…]`: the day table as CSV, streamed chunk by
 * chunk from `exportDays` (one keyset page per chunk), so the study never sits in memory.
 */
export function addExportRoute(admin: Hono<AdminEnv>, deps: WebDeps): void {
  const { runtime } = deps;
  admin.get("/export.csv", async (c) => {
    const since = dayOf(c.req.query("since"));
    const until = dayOf(c.req.query("until"));
    const participantId = idOf(c.req.query("participant"));
    if (!since || !until || since > until) return c.text("Give since and until as YYYY-MM-DD, since not after until.", 400);
    const chunks = exportDays(runtime, { since, until, format: "csv", ...(participantId ? { participantId } : {}) });
    // Pull the first chunk before answering, so a bad request still gets a status, not a cut stream.
    let first: IteratorResult<string>;
    try {
      first = await chunks.next();
    } catch (error) {
      if (isCoreError(error) && error.code === "INVALID_INPUT") return c.text("Give since and until as YYYY-MM-DD, since not after until.", 400);
      throw error;
    }
    deps.log.info("web: day table exported", { coordinatorId: c.get("coordinator").id, since, until, ...(participantId ? { participantId } : {}) });
    const stamp = localDateIn("UTC", runtime.ctx.now());
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="powertoken-days-${participantId ? `p${participantId}-` : ""}${since}-to-${until}-${stamp}.csv"`);
    return stream(c, async (out) => {
      if (!first.done) await out.write(first.value);
      for await (const chunk of chunks) await out.write(chunk);
    });
  });
}
