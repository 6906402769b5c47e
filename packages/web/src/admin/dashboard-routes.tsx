import {
  countParticipantsByState,
  createInvite,
  getJobHealth,
  getReconsentCampaign,
  listAuditEntries,
  listErrorEntries,
  listNeedsAttention,
  listOpenAlerts,
  listParticipantRows,
  localDateIn,
} from "@powertoken/core";
import type { Hono } from "hono";
import type { WebDeps } from "../_deps.js";
import type { AdminEnv } from "./admin-env.js";
import { csvLine } from "./csv.js";
import { frameOf } from "./frame.js";
import { AttentionPage } from "./pages/attention-page.js";
import { AuditPage, ErrorsPage, type LogFilter } from "./pages/log-pages.js";
import { OverviewPage } from "./pages/overview-page.js";
import { dayOf, idOf, PAGE_SIZE, pageOf, statesOf } from "./query.js";

/** The overview, the audit log, the errors and the needs-attention list. */
export function addDashboardRoutes(admin: Hono<AdminEnv>, deps: WebDeps): void {
  const { runtime } = deps;

  admin.get("/", async (c) => {
    const search = (c.req.query("q") ?? "").trim().slice(0, 100);
    const states = statesOf(c);
    const now = runtime.ctx.now();
    const [counts, jobs, alerts, table] = await Promise.all([
      countParticipantsByState(runtime),
      getJobHealth(runtime, { now }),
      listOpenAlerts(runtime),
      listParticipantRows(runtime, { page: pageOf(c), pageSize: PAGE_SIZE, now, ...(search ? { search } : {}), ...(states.length > 0 ? { states } : {}) }),
    ]);
    return c.html(<OverviewPage {...frameOf(c, deps)} counts={counts} jobs={jobs} alerts={alerts} table={table} search={search} states={states} today={localDateIn("UTC", now)} />);
  });

  admin.get("/audit", async (c) => {
    const filter = logFilterOf(c.req.query(), ["since", "until"]);
    const participantId = idOf(filter.participant);
    const page = await listAuditEntries(runtime, {
      page: pageOf(c),
      pageSize: PAGE_SIZE,
      ...(participantId ? { participantId } : {}),
      ...(filter.since ? { since: new Date(`${filter.since}T00:00:00Z`) } : {}),
      ...(filter.until ? { until: new Date(`${filter.until}T00:00:00Z`) } : {}),
    });
    return c.html(<AuditPage {...frameOf(c, deps)} page={page} filter={filter} />);
  });

  admin.get("/errors", async (c) => {
    const filter = logFilterOf(c.req.query(), ["since"]);
    const participantId = idOf(filter.participant);
    const page = await listErrorEntries(runtime, {
      page: pageOf(c),
      pageSize: PAGE_SIZE,
      ...(participantId ? { participantId } : {}),
      ...(filter.code ? { code: filter.code } : {}),
      ...(filter.since ? { since: new Date(`${filter.since}T00:00:00Z`) } : {}),
    });
    return c.html(<ErrorsPage {...frameOf(c, deps)} page={page} filter={filter} />);
  });

  const daysOf = (value: unknown) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 1 && n <= 365 ? n : runtime.config.alerts.noCheckInDays;
  };

  admin.get("/attention", async (c) => {
    const days = daysOf(c.req.query("days"));
    const [items, campaign] = await Promise.all([listNeedsAttention(runtime, { noCheckInDays: days }), getReconsentCampaign(runtime)]);
    return c.html(<AttentionPage {...frameOf(c, deps)} items={items} days={days} campaign={campaign} canAct={c.get("coordinator").role === "admin"} />);
  });

  // A new link for everyone on the list, as a CSV a mail-merge reads (name, link, expiry, reasons).
  admin.post("/attention/links.csv", async (c) => {
    const body = await c.req.parseBody();
    const items = await listNeedsAttention(runtime, { noCheckInDays: daysOf(body.days) });
    const lines = [csvLine(["participant_id", "name", "link", "expires_at", "reasons"])];
    for (const item of items) {
      const invite = await createInvite(runtime, { participantId: item.participant.id, publicUrl: deps.publicUrl });
      lines.push(csvLine([item.participant.id, item.participant.name, invite.url, invite.expiresAt.toISOString(), item.reasons.join(" ")]));
    }
    deps.log.info("web: reconnect links made in bulk", { count: items.length, coordinatorId: c.get("coordinator").id });
    const stamp = localDateIn("UTC", runtime.ctx.now());
    return c.body(lines.join(""), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="powertoken-links-${stamp}.csv"`,
    });
  });
}

/**
 * The log pages' filters. A bad value is left out and named in a note above the table rather than
 * answered with an error, as the pages treat every other bad filter (a bad `page` is page 1): the
 * coordinator still sees the log and learns which filter did not apply.
 */
function logFilterOf(query: Record<string, string>, fields: readonly ("since" | "until")[]): LogFilter {
  const ignored: string[] = [];
  const shown = (value: string) => JSON.stringify(value.slice(0, 40));
  const participant = idOf(query.participant);
  if (query.participant && participant === undefined) ignored.push(`Participant ${shown(query.participant)} is not a participant id (a whole number from 1); it was ignored.`);
  const dates: { since?: string; until?: string } = {};
  for (const field of fields) {
    const given = query[field];
    if (!given) continue;
    const day = dayOf(given);
    if (day) dates[field] = day;
    else ignored.push(`${field === "since" ? "From" : "Before"} ${shown(given)} is not a day of the calendar written YYYY-MM-DD (e.g. 2026-11-30); it was ignored.`);
  }
  const code = (query.code ?? "").trim().slice(0, 60);
  return {
    ...(participant ? { participant: String(participant) } : {}),
    ...dates,
    ...(code ? { code } : {}),
    ...(ignored.length > 0 ? { ignored } : {}),
  };
}
