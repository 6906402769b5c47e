import type { OAuthSimulatorMode } from "./state.js";

/** What the consent page shows and carries through its form. */
export interface ConsentPageInput {
  mode: OAuthSimulatorMode;
  appName: string;
  /** The account being asked (login_hint, or the simulator's default user). */
  userId: string;
  scopes: readonly string[];
  /** The authorize request's parameters, posted back unchanged as hidden fields. */
  carried: Record<string, string>;
  /** Where the form posts: the authorize path itself. */
  action: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * Renders the consent step like Google's and Fitbit's (docs/google-health-api.md#scopes, fitbit-web-api.md
 * docs/fitbit-web-api.md#authorize): the app name, one checkbox per requested scope (all ticked, any can be unticked) and
 * Allow / Cancel buttons. A plain HTML form, so it works without JavaScript; the scope boxes share
 * the name `scope` so the POST carries only the ticked ones.
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const provider = input.mode === "google" ? "Google" : "Fitbit";
  const hidden = Object.entries(input.carried)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n      ");
  const boxes = input.scopes
    .map(
      (scope, i) =>
        `<li><label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" id="scope-${i}" checked> ${escapeHtml(scope)}</label></li>`,
    )
    .join("\n        ");
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Sign in with ${provider} (simulator)</title></head>
  <body>
    <h1>${escapeHtml(input.appName)} wants to access your ${provider} account</h1>
    <p>Signed in as <strong>${escapeHtml(input.userId)}</strong>. Select what ${escapeHtml(input.appName)} can access:</p>
    <form method="post" action="${escapeHtml(input.action)}">
      ${hidden}
      <ul>
        ${boxes}
      </ul>
      <button type="submit" name="decision" value="cancel">Cancel</button>
      <button type="submit" name="decision" value="allow">Allow</button>
    </form>
  </body>
</html>
`;
}
