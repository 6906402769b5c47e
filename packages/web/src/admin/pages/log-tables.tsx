import type { ParticipantHistory } from "@powertoken/core";
import { ADMIN } from "../admin-env.js";
import { formatTime } from "../query.js";

type AuditRow = ParticipantHistory["recentAudit"][number];
type ErrorRow = ParticipantHistory["recentErrors"][number];

/** The participant a log row is about, linked to their page (a row may concern no one). */
function ParticipantCell(props: { id: number | null; name: string | null }) {
  return <td>{props.id === null ? "—" : <a href={`${ADMIN}/participants/${props.id}`}>{props.name ?? `#${props.id}`}</a>}</td>;
}

/** Audit entries, newest first. */
export function AuditTable(props: { rows: AuditRow[]; showParticipant?: boolean }) {
  if (props.rows.length === 0) return <p>No entries.</p>;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            {props.showParticipant ? <th scope="col">Participant</th> : null}
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Day</th>
            <th scope="col">Steps</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <td>{formatTime(row.at)}</td>
              {props.showParticipant ? <ParticipantCell id={row.participantId} name={row.participantName} /> : null}
              <td>{row.action}</td>
              <td>{row.outcome}</td>
              <td>{row.localDate ?? "—"}</td>
              <td>{row.steps ?? "—"}</td>
              <td>{row.detail ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Recorded errors, newest first. */
export function ErrorTable(props: { rows: ErrorRow[]; showParticipant?: boolean }) {
  if (props.rows.length === 0) return <p>No errors.</p>;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            {props.showParticipant ? <th scope="col">Participant</th> : null}
            <th scope="col">Where</th>
            <th scope="col">Code</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <td>{formatTime(row.at)}</td>
              {props.showParticipant ? <ParticipantCell id={row.participantId} name={null} /> : null}
              <td>{row.origin}</td>
              <td>
                <code>{row.code}</code>
              </td>
              <td>{row.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
