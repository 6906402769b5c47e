import type { EntriesPage, ParticipantHistory } from "@powertoken/core";
import { ADMIN } from "../admin-env.js";
import { AdminLayout, Pager, type AdminFrame } from "../admin-layout.js";
import { withQuery } from "../query.js";
import { AuditTable, ErrorTable } from "./log-tables.js";

/** The filter values a log page echoes back. */
export interface LogFilter {
  participant?: string;
  since?: string;
  until?: string;
  code?: string;
  /** Filter values that were given but ignored, each a sentence saying why (shown above the table). */
  ignored?: string[];
}

/** The filter as query values for the pager's links (the notes are not a filter). */
function linkFilter(filter: LogFilter): Record<string, string | undefined> {
  const { ignored: _ignored, ...values } = filter;
  return values;
}

function IgnoredNote(props: { filter: LogFilter }) {
  const ignored = props.filter.ignored ?? [];
  if (ignored.length === 0) return null;
  return (
    <div class="alert" role="alert">
      {ignored.map((line) => (
        <p>{line}</p>
      ))}
    </div>
  );
}

function FilterForm(props: { action: string; filter: LogFilter; withCode: boolean; withUntil: boolean }) {
  return (
    <form method="get" action={props.action} class="filters">
      <div>
        <label for="participant">Participant id</label>
        <input id="participant" name="participant" type="number" min={1} value={props.filter.participant ?? ""} />
      </div>
      <div>
        <label for="since">From (UTC date)</label>
        <input id="since" name="since" type="date" value={props.filter.since ?? ""} />
      </div>
      {props.withUntil ? (
        <div>
          <label for="until">Before (UTC date)</label>
          <input id="until" name="until" type="date" value={props.filter.until ?? ""} />
        </div>
      ) : null}
      {props.withCode ? (
        <div>
          <label for="code">Code</label>
          <input id="code" name="code" type="text" maxlength={60} value={props.filter.code ?? ""} />
        </div>
      ) : null}
      <button type="submit">Filter</button>
    </form>
  );
}

/** The audit log, filtered and paged. */
export function AuditPage(props: AdminFrame & { page: EntriesPage<ParticipantHistory["recentAudit"][number]>; filter: LogFilter }) {
  const path = `${ADMIN}/audit`;
  return (
    <AdminLayout {...props} title="Audit log" current={path}>
      <h1>Audit log</h1>
      <FilterForm action={path} filter={props.filter} withCode={false} withUntil={true} />
      <IgnoredNote filter={props.filter} />
      <AuditTable rows={props.page.rows} showParticipant={true} />
      <Pager page={props.page.page} pageSize={props.page.pageSize} total={props.page.total} hrefFor={(page) => withQuery(path, linkFilter(props.filter), { page: String(page) })} />
    </AdminLayout>
  );
}

/** Recorded errors, filtered and paged. */
export function ErrorsPage(props: AdminFrame & { page: EntriesPage<ParticipantHistory["recentErrors"][number]>; filter: LogFilter }) {
  const path = `${ADMIN}/errors`;
  return (
    <AdminLayout {...props} title="Errors" current={path}>
      <h1>Errors</h1>
      <FilterForm action={path} filter={props.filter} withCode={true} withUntil={false} />
      <IgnoredNote filter={props.filter} />
      <ErrorTable rows={props.page.rows} showParticipant={true} />
      <Pager page={props.page.page} pageSize={props.page.pageSize} total={props.page.total} hrefFor={(page) => withQuery(path, linkFilter(props.filter), { page: String(page) })} />
    </AdminLayout>
  );
}
