import { exportDays, findParticipant, isCoreError, localDateIn } from "@powertoken/core";
import type { Hono } from "hono";
import { stream } from "hono/streaming";
import type { WebDeps } from "../_deps.js";
import type { AdminEnv } from "./admin-env.js";
import { dayOf, idOf } from "./query.js";

const BAD_DATES = "Give since and until as days of the calendar written YYYY-MM-DD (e.g. since=2026-11-01&until=2026-11-30), since not after until.";

/**
 * `GET /admin/export.csv?since=…&until=…[&participant=…]`: the day table as CSV, streamed chunk by
 * chunk from `exportDays` (one keyset page per chunk), so the study never sits in memory.
 * A `participant` that is given must name a participant: exporting everyone instead would hand out
 * far more than was asked for.
 */
export function addExportRoute(admin: Hono<AdminEnv>, deps: WebDeps): void {
  const { runtime } = deps;
  admin.get("/export.csv", async (c) => {
    const since = dayOf(c.req.query("since"));
    const until = dayOf(c.req.query("until"));
    if (!since || !until || since > until) return c.text(BAD_DATES, 400);
    const given = c.req.query("participant");
    let participantId: number | undefined;
    if (given !== undefined && given !== "") {
      participantId = idOf(given);
      if (participantId === undefined) return c.text("participant must be a participant id, a whole number from 1 (see the participant's page); leave it out to export everyone.", 400);
      try {
        await findParticipant(runtime, participantId);
      } catch (error) {
        if (isCoreError(error) && error.code === "PARTICIPANT_NOT_FOUND") return c.text(`There is no participant with id ${participantId}; check the id on the overview, or leave participant out to export everyone.`, 400);
        throw error;
      }
    }
    const chunks = exportDays(runtime, { since, until, format: "csv", ...(participantId ? { participantId } : {}) });
    // Pull the first chunk before answering, so a bad request still gets a status, not a cut stream.
    let first: IteratorResult<string>;
    try {
      first = await chunks.next();
    } catch (error) {
      if (isCoreError(error) && error.code === "INVALID_INPUT") return c.text(BAD_DATES, 400);
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
