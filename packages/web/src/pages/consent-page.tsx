import { Layout, type PageFrame } from "./layout.js";

/** Why the consent page is shown again, if it is. */
export type ConsentProblem = { kind: "denied" } | { kind: "scopes"; scopes: string[] };

/** Sends the participant to the tracker's consent page (a plain link: no script, no form). */
export function ConsentPage(props: PageFrame & { startHref: string; backendLabel: string; reason: "new" | "reconnect" | "move"; problem?: ConsentProblem }) {
  const intro =
    props.reason === "move"
      ? `Fitbit has switched off the old connection PowerToken used. Connect ${props.backendLabel} so your check-ins keep showing as steps.`
      : props.reason === "reconnect"
        ? `PowerToken can no longer write to your ${props.backendLabel} account. Connect it again to keep your steps up to date.`
        : `Now allow PowerToken to add one daily exercise entry to your ${props.backendLabel} account.`;
  return (
    <Layout {...props} title={`Connect ${props.backendLabel}`}>
      {props.reason === "new" ? <p class="step">Step 3 of 3</p> : null}
      <h1>Connect {props.backendLabel}</h1>
      {props.problem?.kind === "denied" ? (
        <p class="alert" role="alert">
          You chose not to allow access, so nothing was connected. PowerToken needs it to show your check-ins as steps; you can try again whenever you like.
        </p>
      ) : null}
      {props.problem?.kind === "scopes" ? (
        <div class="alert" role="alert">
          <p>Some permissions were left unticked, so nothing was connected. Please allow:</p>
          <ul>
            {props.problem.scopes.map((s) => (
              <li>{s}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>{intro}</p>
      <p>You will see {props.backendLabel}'s own page listing the permissions. Leave every box ticked and choose Allow.</p>
      <a class="button" href={props.startHref}>
        {props.problem ? "Try again" : `Connect ${props.backendLabel}`}
      </a>
    </Layout>
  );
}
