import type { AttentionItem, ReconsentCampaign } from "@powertoken/core";
import { CSRF_FIELD } from "../../security/csrf.js";
import { ADMIN } from "../admin-env.js";
import { AdminLayout, StateBadge, type AdminFrame } from "../admin-layout.js";

const REASON_TEXT: Record<AttentionItem["reasons"][number], string> = {
  "weconnect-token-dead": "WEconnect sign-in expired",
  "tracker-token-dead": "tracker access revoked or expired",
  "needs-backend-move": "on the switched-off legacy Fitbit API",
  "never-connected": "never connected a tracker",
  "no-check-in": "no check-in lately",
};

/** Participants who need a person, the bulk link download and the re-consent campaign's progress. */
export function AttentionPage(props: AdminFrame & { items: AttentionItem[]; days: number; campaign: ReconsentCampaign; canAct: boolean }) {
  const path = `${ADMIN}/attention`;
  const c = props.campaign;
  return (
    <AdminLayout {...props} title="Needs attention" current={path}>
      <h1>Needs attention ({props.items.length})</h1>
      <form method="get" action={path} class="filters">
        <div>
          <label for="days">No check-in for (days)</label>
          <input id="days" name="days" type="number" min={1} max={365} value={String(props.days)} />
        </div>
        <button type="submit">Show</button>
      </form>
      {props.items.length === 0 ? (
        <p>Nobody needs attention.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((item) => (
                <tr>
                  <td>
                    <a href={`${ADMIN}/participants/${item.participant.id}`}>{item.participant.name}</a>
                  </td>
                  <td>
                    <StateBadge state={item.participant.status} />
                  </td>
                  <td>{item.reasons.map((r) => REASON_TEXT[r]).join("; ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.canAct && props.items.length > 0 ? (
        <form method="post" action={`${path}/links.csv`}>
          <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
          <input type="hidden" name="days" value={String(props.days)} />
          <button type="submit">Make links for these {props.items.length} (CSV for mail-merge)</button>
        </form>
      ) : null}
      <section aria-labelledby="campaign-h">
        <h2 id="campaign-h">Re-consent campaign</h2>
        <ul class="tiles">
          <li>
            <span class="figure">{c.sent}</span> links sent
          </li>
          <li>
            <span class="figure">{c.opened}</span> opened
          </li>
          <li>
            <span class="figure">{c.done}</span> done
          </li>
        </ul>
        <p class="muted">Over {c.participants} participants with a link.</p>
      </section>
    </AdminLayout>
  );
}
