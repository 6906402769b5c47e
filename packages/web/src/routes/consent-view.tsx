import { describeParticipant, type ResolvedInvite } from "@powertoken/core";
import type { Context } from "hono";
import { backendLabel, type WebDeps } from "../_deps.js";
import { ConsentPage, type ConsentProblem } from "../pages/consent-page.js";

/** The consent step for a resolved link, with what went wrong last time if anything did. */
export async function renderConsentPage(c: Context, deps: WebDeps, found: ResolvedInvite & { token: string }, problem?: ConsentProblem): Promise<Response> {
  const described = await describeParticipant(deps.runtime, found.participant.id);
  const reason = found.participant.status === "needs-google-health" ? "move" : described.trackers.length > 0 ? "reconnect" : "new";
  return c.html(
    <ConsentPage {...deps.frame} startHref={`/p/${found.token}/connect`} backendLabel={backendLabel(deps.consentBackend)} reason={reason} {...(problem ? { problem } : {})} />,
    problem ? 400 : 200,
  );
}
