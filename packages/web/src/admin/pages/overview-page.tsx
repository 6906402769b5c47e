import type { JobHealth, ParticipantRowsPage, ParticipantStatus } from "@powertoken/core";
import { ADMIN } from "../admin-env.js";
import { AdminLayout, Pager, StateBadge, type AdminFrame } from "../admin-layout.js";
import { PausedBadge } from "./participant-page.js";
import { formatDuration, formatTime, STATES, withQuery } from "../query.js";

/** An open alert as the overview lists it. */
export interface OverviewAlert {
  rule: string;
  message: string;
  openedAt: Date;
  participantId: number | null;
}

/** The study at a glance: counts, job health, open alerts and the participants table. */
export function OverviewPage(
  props: AdminFrame & {
    counts: Record<ParticipantStatus, number>;
    jobs: JobHealth[];
    alerts: OverviewAlert[];
    table: ParticipantRowsPage;
    search: string;
    states: ParticipantStatus[];
    today: string;
  },
) {
  const current = { q: props.search, state: props.states };
  const total = STATES.reduce((sum, s) => sum + props.counts[s], 0);
  return (
    <AdminLayout {...props} title="Overview" current={ADMIN}>
      <h1>Overview</h1>
      <section aria-labelledby="counts-h">
        <h2 id="counts-h">Participants by state ({total})</h2>
        <ul class="tiles">
          {STATES.map((state) => (
            <li>
              <a href={withQuery(ADMIN, {}, { state })}>
                <span class="figure">{props.counts[state]}</span> <StateBadge state={state} />
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="jobs-h">
        <h2 id="jobs-h">Jobs</h2>
        <ul class="tiles jobs">
          {props.jobs.map((job) => (
            <li class={job.stale ? "job stale" : "job"}>
              <strong>{job.job === "poll" ? "Poll" : "Maintenance"}</strong> {job.stale ? <span class="badge bad">not running</span> : <span class="badge good">running</span>}
              <dl>
                <dt>Last run</dt>
                <dd>{job.lastRun ? `${formatTime(job.lastRun.finishedAt)}, ${formatDuration(job.lastRun.durationMs)}` : "never"}</dd>
                <dt>Written / failed</dt>
                <dd>{job.lastRun ? `${job.lastRun.written} / ${job.lastRun.failed}${job.lastRun.rateLimited ? `, ${job.lastRun.rateLimited} rate-limited` : ""}` : "—"}</dd>
                <dt>Next expected</dt>
                <dd>{formatTime(job.nextExpectedAt)} (every {job.intervalMinutes} min)</dd>
              </dl>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="alerts-h">
        <h2 id="alerts-h">Open alerts ({props.alerts.length})</h2>
        {props.alerts.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul class="alerts">
            {props.alerts.map((alert) => (
              <li class="alert">
                <strong>{alert.rule}</strong>: {alert.message} <span class="muted">since {formatTime(alert.openedAt)}</span>
                {alert.participantId === null ? null : (
                  <>
                    {" "}
                    <a href={`${ADMIN}/participants/${alert.participantId}`}>open participant</a>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="table-h">
        <h2 id="table-h">Participants</h2>
        <form method="get" action={ADMIN} class="filters">
          <div>
            <label for="q">Name contains</label>
            <input id="q" name="q" type="search" value={props.search} maxlength={100} />
          </div>
          <fieldset>
            <legend>States</legend>
            {STATES.map((state) => (
              <label class="check">
                <input type="checkbox" name="state" value={state} checked={props.states.includes(state)} /> {state}
              </label>
            ))}
          </fieldset>
          <button type="submit">Filter</button>
        </form>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Today's check-ins</th>
                <th scope="col">Tracker shows</th>
                <th scope="col">Last poll</th>
                <th scope="col">Tokens</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {props.table.rows.map((row) => (
                <tr>
                  <td>
                    <a href={`${ADMIN}/participants/${row.id}`}>{row.name}</a>
                  </td>
                  <td>
                    <StateBadge state={row.state} /> <PausedBadge pausedAt={row.pausedAt} />
                  </td>
                  <td>{row.checkIns ? `${row.checkIns.done}/${row.checkIns.planned}` : "—"}</td>
                  <td>{row.tracker ? `${row.tracker.label ?? row.tracker.steps ?? "—"}${row.tracker.pending ? " (pending)" : ""}` : "—"}</td>
                  <td>{formatTime(row.lastPollAt)}</td>
                  <td>
                    WEconnect {row.tokens.weconnect}; tracker {row.tokens.tracker}
                  </td>
                  <td>{row.lastError ? `${row.lastError.code} (${formatTime(row.lastError.at)})` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {props.table.rows.length === 0 ? <p>No participant matches.</p> : null}
        <Pager page={props.table.page} pageSize={props.table.pageSize} total={props.table.total} hrefFor={(page) => withQuery(ADMIN, current, { page: String(page) })} />
      </section>
      <section aria-labelledby="export-h">
        <h2 id="export-h">Export the day table</h2>
        <ExportForm today={props.today} />
      </section>
    </AdminLayout>
  );
}

/** The CSV export form (a GET: downloading changes nothing). */
export function ExportForm(props: { today: string; participantId?: number }) {
  const monthAgo = new Date(Date.parse(`${props.today}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
  return (
    <form method="get" action={`${ADMIN}/export.csv`} class="filters">
      {props.participantId === undefined ? null : <input type="hidden" name="participant" value={String(props.participantId)} />}
      <div>
        <label for="since">From</label>
        <input id="since" name="since" type="date" value={monthAgo} required />
      </div>
      <div>
        <label for="until">To</label>
        <input id="until" name="until" type="date" value={props.today} required />
      </div>
      <button type="submit">Download CSV</button>
    </form>
  );
}
