import type { ParticipantHistory } from "@powertoken/core";
import { raw } from "hono/html";
import { CSRF_FIELD } from "../../security/csrf.js";
import { ADMIN } from "../admin-env.js";
import { AdminLayout, StateBadge, type AdminFrame } from "../admin-layout.js";
import { HistoryChart } from "../history-chart.js";
import { formatTime } from "../query.js";
import { AuditTable, ErrorTable } from "./log-tables.js";
import { ExportForm } from "./overview-page.js";

/** The mappings an admin can pick. */
export const MAPPINGS = ["seed", "plan", "weight", "tally", "charge"] as const;

/** Marks a paused participant next to their state (the state itself stays while paused). */
export function PausedBadge(props: { pausedAt: Date | null }) {
  if (props.pausedAt === null) return null;
  return (
    <span class="badge state-ended" title={`paused since ${formatTime(props.pausedAt)}`}>
      paused
    </span>
  );
}

/** One participant: enrolment, accounts, links, the day chart, today, recent audit and errors, and (admins) actions. */
export function ParticipantPage(props: AdminFrame & { history: ParticipantHistory; notice?: string; canAct: boolean; canPause: boolean }) {
  const { history: h } = props;
  const p = h.participant;
  const base = `${ADMIN}/participants/${p.id}`;
  const hidden = <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />;
  return (
    <AdminLayout {...props} title={p.name}>
      <p class="muted">
        <a href={ADMIN}>Overview</a> › participant
      </p>
      <h1>
        {p.name} <StateBadge state={p.status} /> <PausedBadge pausedAt={p.pausedAt} />
      </h1>
      {props.notice ? (
        <p class="success" role="status">
          {props.notice}
        </p>
      ) : null}
      <div class="columns">
        <dl class="facts">
          <dt>Enrolled</dt>
          <dd>
            {h.enrolment.start} – {h.enrolment.end ?? "open-ended"} ({p.timeZone})
          </dd>
          {p.pausedAt ? (
            <>
              <dt>Paused</dt>
              <dd>since {formatTime(p.pausedAt)}: neither polled nor maintained until resumed</dd>
            </>
          ) : null}
          <dt>Mapping</dt>
          <dd>
            {h.mapping}, goal {h.goalSteps.toLocaleString("en-US")} steps
          </dd>
          <dt>WEconnect</dt>
          <dd>{h.weconnect ? h.weconnect.status : "not linked"}</dd>
          <dt>Tracker</dt>
          <dd>{h.trackers.length === 0 ? "not connected" : h.trackers.map((t) => `${t.backend}: ${t.status}${t.statusReason ? ` (${t.statusReason})` : ""}`).join("; ")}</dd>
          <dt>Links</dt>
          <dd>
            {h.invites.sent} sent, {h.invites.opened} opened, {h.invites.completed} completed
            {h.invites.latest ? `; latest ${formatTime(h.invites.latest.createdAt)}, expires ${formatTime(h.invites.latest.expiresAt)}` : ""}
          </dd>
        </dl>
        <section aria-labelledby="today-h">
          <h2 id="today-h">Today ({h.today.localDate})</h2>
          {h.today.events.length === 0 ? (
            <p>Nothing planned today.</p>
          ) : (
            <ul class="events">
              {h.today.events.map((e) => (
                <li>
                  <span>{e.name}</span>
                  <span class={e.checkedIn ? "done" : "todo"}>{e.checkedIn ? "checked in" : "not yet"}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="chart-h">
        <h2 id="chart-h">Every enrolled day</h2>
        <HistoryChart days={h.days} goalSteps={h.goalSteps} />
      </section>
      {props.canAct ? (
        <section aria-labelledby="actions-h">
          <h2 id="actions-h">Actions</h2>
          <div class="actions">
            <form method="post" action={`${base}/link`}>
              {hidden}
              <button type="submit">Make a reconnect link</button>
            </form>
            <form method="post" action={`${base}/poll`}>
              {hidden}
              <button type="submit" class="secondary">
                Poll now
              </button>
            </form>
            {props.canPause ? (
              <form method="post" action={`${base}/${p.pausedAt ? "resume" : "pause"}`}>
                {hidden}
                <button type="submit" class="secondary">
                  {p.pausedAt ? "Resume" : "Pause"}
                </button>
              </form>
            ) : null}
            <a class="button danger" href={`${base}/remove`}>
              Remove…
            </a>
          </div>
          <form method="post" action={`${base}/settings`} class="filters">
            {hidden}
            <div>
              <label for="mapping">Mapping</label>
              <select id="mapping" name="mapping">
                {MAPPINGS.map((m) => (
                  <option value={m} selected={m === h.mapping}>
                    {m}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="goal">Goal steps</label>
              <input id="goal" name="goalSteps" type="number" min={0} max={1_000_000} step={1} value={String(h.goalSteps)} required />
            </div>
            <button type="submit" class="secondary">
              Save settings
            </button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="export-h">
        <h2 id="export-h">Export this participant's days</h2>
        <ExportForm today={h.today.localDate} participantId={p.id} />
      </section>
      <section aria-labelledby="audit-h">
        <h2 id="audit-h">Recent audit entries</h2>
        <AuditTable rows={h.recentAudit} />
        <p>
          <a href={`${ADMIN}/audit?participant=${p.id}`}>Whole audit log of {p.name}</a>
        </p>
      </section>
      <section aria-labelledby="errors-h">
        <h2 id="errors-h">Recent errors</h2>
        <ErrorTable rows={h.recentErrors} />
        <p>
          <a href={`${ADMIN}/errors?participant=${p.id}`}>Every error of {p.name}</a>
        </p>
      </section>
    </AdminLayout>
  );
}

/** The new link, to copy or scan: the URL in a read-only field and a QR code. */
export function LinkMadePage(props: AdminFrame & { participantId: number; name: string; url: string; expiresAt: Date; qrSvg: string }) {
  return (
    <AdminLayout {...props} title={`Link for ${props.name}`}>
      <h1>Reconnect link for {props.name}</h1>
      <p>Send this link to {props.name} (or let them scan the code). It works until {formatTime(props.expiresAt)}; earlier links keep working until they expire.</p>
      <label for="link">Link (select it and copy)</label>
      <input id="link" type="text" readonly value={props.url} class="copy" />
      <div class="qr-box">{raw(props.qrSvg)}</div>
      <p>
        <a href={`${ADMIN}/participants/${props.participantId}`}>Back to {props.name}</a>
      </p>
    </AdminLayout>
  );
}

/** Asks before a participant is deleted. */
export function ConfirmRemovePage(props: AdminFrame & { participantId: number; name: string }) {
  return (
    <AdminLayout {...props} title={`Remove ${props.name}?`}>
      <div class="narrow">
        <h1>Remove {props.name}?</h1>
        <p>This deletes {props.name}'s accounts, activities and days. The audit log keeps their history. It cannot be undone.</p>
        <form method="post" action={`${ADMIN}/participants/${props.participantId}/remove`}>
          <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
          <button type="submit" class="danger">
            Remove {props.name}
          </button>
        </form>
        <a class="button secondary" href={`${ADMIN}/participants/${props.participantId}`}>
          Keep {props.name}
        </a>
      </div>
    </AdminLayout>
  );
}
